<#
.SYNOPSIS
    Writes the module's MAML help (DlGpuTools.dll-Help.xml) from docs/<Command>.md.
.DESCRIPTION
    The markdown follows platyPS v1's layout, so platyPS can take over later. Prose (synopsis,
    description, examples, parameter descriptions, inputs, outputs, notes, links) comes from the
    markdown; syntax, parameter types, positions, pipeline binding and aliases come from the built
    cmdlets, so they cannot drift from the code. A command without a page, or a parameter without a
    description, fails the build.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $DocsPath,
    [Parameter(Mandatory)] [string] $OutFile
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$module = Import-Module $ModulePath -PassThru -Force

function Split-Sections([string] $Text, [string] $Prefix) {
    # Returns an ordered map heading -> body for headings that start with $Prefix ('## ' or '### ').
    $map = [ordered]@{}
    $current = $null
    $inFence = $false
    foreach ($line in $Text -split "`r?`n") {
        if ($line -match '^```') { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith($Prefix) -and -not $line.StartsWith($Prefix + '#')) {
            $current = $line.Substring($Prefix.Length).Trim()
            $map[$current] = [System.Collections.Generic.List[string]]::new()
            continue
        }
        if ($null -ne $current) { $map[$current].Add($line) }
    }
    $result = [ordered]@{}
    foreach ($key in $map.Keys) { $result[$key] = ($map[$key] -join "`n").Trim() }
    $result
}

function Get-Paragraphs([string] $Text) {
    # Blank lines separate paragraphs; a bullet ("- " or "* ") starts a paragraph of its own, so a list keeps its
    # items apart in Get-Help instead of running together; lines that continue a bullet join it.
    $paragraphs = [System.Collections.Generic.List[string]]::new()
    foreach ($block in ($Text -split "`n\s*`n")) {
        $current = $null
        foreach ($line in ($block -split "`n")) {
            if ($line -match '^\s*[-*]\s+(.*)$') {
                if ($current) { $paragraphs.Add($current.Trim()) }
                $current = '- ' + $Matches[1]
            }
            else {
                $current = if ($current) { $current + ' ' + $line.Trim() } else { $line.Trim() }
            }
        }
        if ($current -and $current.Trim()) { $paragraphs.Add($current.Trim()) }
    }
    @($paragraphs)
}

function Get-DefaultValue($Command, [string] $Name) {
    # What the property holds on a new instance of the cmdlet: the value used when the parameter is not given.
    # A parameter shared through a parameter object (IDynamicParameters) is that object's property.
    $instance = [Activator]::CreateInstance($Command.ImplementingType)
    $holder = $instance
    $property = $Command.ImplementingType.GetProperty($Name)
    if ($null -eq $property -and $instance -is [System.Management.Automation.IDynamicParameters]) {
        $holder = $instance.GetDynamicParameters()
        $property = $holder.GetType().GetProperty($Name)
    }
    if ($null -eq $property) { throw "$($Command.Name) has no property for -$Name." }
    $value = $property.GetValue($holder)
    if ($instance -is [IDisposable]) { $instance.Dispose() }
    if ($null -eq $value) { return 'None' }
    if ($value -is [System.Management.Automation.SwitchParameter]) { return [string]$value.IsPresent }
    if ($value -is [System.Collections.IEnumerable] -and $value -isnot [string]) {
        return (@($value) | ForEach-Object { [string]$_ }) -join ', '
    }
    [string]$value
}

$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$stream = [System.IO.MemoryStream]::new()
$w = [System.Xml.XmlWriter]::Create($stream, $settings)
$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}

function Write-Paras([string] $Prefix, [string] $Name, [string] $Text) {
    $w.WriteStartElement($Prefix, $Name, $ns[$Prefix])
    foreach ($p in Get-Paragraphs $Text) { $w.WriteElementString('maml', 'para', $ns.maml, $p) }
    $w.WriteEndElement()
}

function Get-HelpTypeName([type] $Type, [switch] $Full) {
    # Get-Help prints the type's own name, which for int? is "Nullable`1": say the underlying type instead.
    $nullable = $Type.IsGenericType -and $Type.GetGenericTypeDefinition() -eq [Nullable`1]
    $shown = if ($nullable) { $Type.GetGenericArguments()[0] } else { $Type }
    if ($Full) { $shown.FullName } else { $shown.Name }
}

function Write-Type([string] $TypeName) {
    $w.WriteStartElement('dev', 'type', $ns.dev)
    $w.WriteElementString('maml', 'name', $ns.maml, $TypeName)
    $w.WriteEndElement()
}

$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters

$w.WriteStartDocument()
$w.WriteStartElement('helpItems')
$w.WriteAttributeString('schema', 'maml')
$w.WriteAttributeString('xmlns', 'maml', $null, $ns.maml)
$w.WriteAttributeString('xmlns', 'command', $null, $ns.command)
$w.WriteAttributeString('xmlns', 'dev', $null, $ns.dev)

foreach ($cmd in Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name) {
    $page = Join-Path $DocsPath "$($cmd.Name).md"
    if (-not (Test-Path $page)) { throw "No help page $page for $($cmd.Name)." }
    $text = Get-Content -Raw $page
    $sections = Split-Sections $text '## '
    foreach ($required in 'SYNOPSIS', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'OUTPUTS') {
        if (-not $sections.Contains($required) -or -not $sections[$required]) { throw "$page has no $required section." }
    }
    $parameterDocs = Split-Sections $sections['PARAMETERS'] '### '
    $parameters = @($cmd.Parameters.Values | Where-Object { $common -notcontains $_.Name })
    foreach ($p in $parameters) {
        if (-not $parameterDocs.Contains("-$($p.Name)") -or -not $parameterDocs["-$($p.Name)"]) {
            throw "$page does not describe -$($p.Name)."
        }
    }
    foreach ($documented in $parameterDocs.Keys) {
        if ($parameters.Name -notcontains $documented.TrimStart('-')) {
            throw "$page describes $documented, which $($cmd.Name) does not have."
        }
    }

    $w.WriteStartElement('command', 'command', $ns.command)
    $w.WriteStartElement('command', 'details', $ns.command)
    $w.WriteElementString('command', 'name', $ns.command, $cmd.Name)
    Write-Paras 'maml' 'description' $sections['SYNOPSIS']
    $w.WriteElementString('command', 'verb', $ns.command, $cmd.Verb)
    $w.WriteElementString('command', 'noun', $ns.command, $cmd.Noun)
    $w.WriteEndElement()
    Write-Paras 'maml' 'description' $sections['DESCRIPTION']

    $w.WriteStartElement('command', 'syntax', $ns.command)
    foreach ($set in $cmd.ParameterSets) {
        $w.WriteStartElement('command', 'syntaxItem', $ns.command)
        $w.WriteElementString('maml', 'name', $ns.maml, $cmd.Name)
        foreach ($sp in $set.Parameters | Where-Object { $common -notcontains $_.Name }) {
            $w.WriteStartElement('command', 'parameter', $ns.command)
            $w.WriteAttributeString('required', $sp.IsMandatory.ToString().ToLowerInvariant())
            $w.WriteAttributeString('position', $(if ($sp.Position -ge 0) { [string]($sp.Position + 1) } else { 'named' }))
            $w.WriteElementString('maml', 'name', $ns.maml, $sp.Name)
            if ($sp.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
                $w.WriteStartElement('command', 'parameterValue', $ns.command)
                $w.WriteAttributeString('required', 'true')
                $w.WriteString((Get-HelpTypeName $sp.ParameterType))
                $w.WriteEndElement()
            }
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($p in $parameters) {
        $attrs = @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
        $byValue = [bool]($attrs | Where-Object ValueFromPipeline)
        $byName = [bool]($attrs | Where-Object ValueFromPipelineByPropertyName)
        $pipeline = if ($byValue -and $byName) { 'True (ByValue, ByPropertyName)' } elseif ($byValue) {
            'True (ByValue)'
        } elseif ($byName) { 'True (ByPropertyName)' } else { 'False' }
        $position = ($attrs | Where-Object { $_.Position -ge 0 } | Select-Object -First 1)
        $w.WriteStartElement('command', 'parameter', $ns.command)
        $w.WriteAttributeString('required', ([bool]($attrs | Where-Object Mandatory)).ToString().ToLowerInvariant())
        $w.WriteAttributeString('pipelineInput', $pipeline)
        $w.WriteAttributeString('position', $(if ($position) { [string]($position.Position + 1) } else { 'named' }))
        $w.WriteAttributeString('aliases', $(if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'none' }))
        $w.WriteAttributeString('globbing',
            ([bool]($p.Attributes |
                Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })).ToString().ToLowerInvariant())
        $w.WriteElementString('maml', 'name', $ns.maml, $p.Name)
        Write-Paras 'maml' 'description' $parameterDocs["-$($p.Name)"]
        $w.WriteStartElement('command', 'parameterValue', $ns.command)
        $w.WriteAttributeString('required', 'true')
        $w.WriteString((Get-HelpTypeName $p.ParameterType))
        $w.WriteEndElement()
        Write-Type (Get-HelpTypeName $p.ParameterType -Full)
        $w.WriteElementString('dev', 'defaultValue', $ns.dev, (Get-DefaultValue $cmd $p.Name))
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    foreach ($pair in @(@('INPUTS', 'inputTypes', 'inputType'), @('OUTPUTS', 'returnValues', 'returnValue'))) {
        if (-not $sections.Contains($pair[0])) { continue }
        $w.WriteStartElement('command', $pair[1], $ns.command)
        $items = Split-Sections $sections[$pair[0]] '### '
        foreach ($typeName in $items.Keys) {
            $w.WriteStartElement('command', $pair[2], $ns.command)
            Write-Type $typeName
            Write-Paras 'maml' 'description' $items[$typeName]
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }

    if ($sections.Contains('NOTES') -and $sections['NOTES']) {
        $w.WriteStartElement('maml', 'alertSet', $ns.maml)
        $w.WriteStartElement('maml', 'alert', $ns.maml)
        foreach ($p in Get-Paragraphs $sections['NOTES']) { $w.WriteElementString('maml', 'para', $ns.maml, $p) }
        $w.WriteEndElement()
        $w.WriteEndElement()
    }

    $w.WriteStartElement('command', 'examples', $ns.command)
    $examples = Split-Sections $sections['EXAMPLES'] '### '
    if ($examples.Count -eq 0) { throw "$page has no examples." }
    foreach ($title in $examples.Keys) {
        $body = $examples[$title]
        if ($body -notmatch '(?s)```powershell\s*\n(.*?)\n```(.*)') { throw "$page example '$title' has no powershell code block." }
        $code = $Matches[1].Trim()
        $remarks = $Matches[2].Trim()
        $w.WriteStartElement('command', 'example', $ns.command)
        $w.WriteElementString('maml', 'title', $ns.maml, "-------------------------- $title --------------------------")
        $w.WriteElementString('dev', 'code', $ns.dev, $code)
        Write-Paras 'dev' 'remarks' $remarks
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    if ($sections.Contains('RELATED LINKS')) {
        $w.WriteStartElement('command', 'relatedLinks', $ns.command)
        foreach ($m in [regex]::Matches($sections['RELATED LINKS'], '\[([^\]]+)\]\(([^)]*)\)')) {
            $w.WriteStartElement('maml', 'navigationLink', $ns.maml)
            $w.WriteElementString('maml', 'linkText', $ns.maml, $m.Groups[1].Value)
            $w.WriteElementString('maml', 'uri', $ns.maml,
                $(if ($m.Groups[2].Value -match '^https?://') { $m.Groups[2].Value } else { '' }))
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement() # command
}

$w.WriteEndElement()
$w.WriteEndDocument()
$w.Flush()
[System.IO.File]::WriteAllBytes($OutFile, $stream.ToArray())
