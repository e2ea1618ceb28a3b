<#
.SYNOPSIS
    Lints the repository's PowerShell on PowerShell's own parser and writes one object per finding.
.DESCRIPTION
    PSScriptAnalyzer is not available from our package feed, so this covers the rules that matter here with the
    AST that Parser.ParseFile gives:
      ParseError        the file does not parse
      ApprovedVerb      a function, or a script named Verb-Noun, uses a verb Get-Verb does not list
      NoAlias           a command is called by an alias (built-in here, or one Windows PowerShell defines, where
                        the same word would run a different command on Linux)
      StrictMode        a script file does not call Set-StrictMode -Version at its top level (a Pester file: in a
                        top-level BeforeAll, since its top level runs only during discovery)
      UnusedParameter   a parameter its function or script never reads
      UnusedVariable    a variable assigned in a file and read nowhere in it
      WriteHostInData   Write-Host in a function that returns data (declares OutputType or returns a value),
                        where the host text would mix with, or be mistaken for, its output
      LineLength        a line longer than 140 characters (the text inside a here-string is data and is not counted)
    The PowerShell inside the module's format and type files (module/*.ps1xml: ScriptBlock, GetScriptBlock,
    SetScriptBlock and Script elements) is linted too, each script block on its own: ParseError, ApprovedVerb, NoAlias,
    UnusedParameter, UnusedVariable and WriteHostInData, with findings at the line of the .ps1xml file; LineLength
    reads every line of the file, XML included. StrictMode does not apply: a view's script block is not a script.
    build.ps1 -Task Test runs it first and fails on any finding; run it alone with
        dotnet pwsh -NoProfile -File tools/Test-ScriptStyle.ps1 [-Path <file or folder>...]
.OUTPUTS
    PSCustomObject with Path, Line, Rule and Message.
#>
[CmdletBinding()]
[OutputType([pscustomobject])]
param(
    # Files or folders to lint (*.ps1, *.psm1 and *.ps1xml); default the repository's build script, tools, bench,
    # module scripts, format and type files, and tests.
    [string[]] $Path,

    # Exit with 1 when there is a finding (for CI), after writing them.
    [switch] $FailOnFinding
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$root = Split-Path $PSScriptRoot -Parent
if (-not $Path) {
    $Path = @('build.ps1', 'tools', 'bench', 'module', 'tests') | ForEach-Object { Join-Path $root $_ }
}

# Two such columns fit a side-by-side diff on a wide screen; the C# sources are held to the same (LineLengthTests).
$maxLineLength = 140

$approvedVerbs = [Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
Get-Verb | ForEach-Object { [void] $approvedVerbs.Add($_.Verb) }

# Aliases are resolved against a fixed table, not this session's, so the answer does not depend on the profile or
# the platform: PowerShell's built-in aliases plus those only Windows PowerShell has (on Linux the same words run
# native programs, so a script using them behaves differently per platform).
$aliases = [Collections.Generic.Dictionary[string, string]]::new([StringComparer]::OrdinalIgnoreCase)
Get-Alias |
    ForEach-Object { $aliases[$_.Name] = $_.Definition }
$windowsOnlyAliases = [Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
@{
    cat = 'Get-Content'; cp = 'Copy-Item'; diff = 'Compare-Object'; kill = 'Stop-Process'; ls = 'Get-ChildItem'
    man = 'help'; mount = 'New-PSDrive'; mv = 'Move-Item'; ps = 'Get-Process'; rm = 'Remove-Item'; rmdir = 'Remove-Item'
    sleep = 'Start-Sleep'; sort = 'Sort-Object'; tee = 'Tee-Object'; write = 'Write-Output'; start = 'Start-Process'
}.GetEnumerator() |
    ForEach-Object { if (-not $aliases.ContainsKey($_.Key)) { $aliases[$_.Key] = $_.Value; [void] $windowsOnlyAliases.Add($_.Key) } }

# Assigning these changes behaviour elsewhere, so an assignment without a read is still a use.
$effectVariables = [Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
@('null', 'LASTEXITCODE', 'PSDefaultParameterValues', 'OFS', 'FormatEnumerationLimit', 'PSNativeCommandUseErrorActionPreference',
    'PSModuleAutoLoadingPreference', 'MaximumHistoryCount', 'PSStyle', '_', 'PSItem') | ForEach-Object { [void] $effectVariables.Add($_) }

function Get-ScriptFile {
    param([string[]] $Roots)
    foreach ($item in $Roots) {
        if (Test-Path $item -PathType Leaf) { Get-Item $item }
        elseif (Test-Path $item -PathType Container) { Get-ChildItem $item -Recurse -File -Include '*.ps1', '*.psm1', '*.ps1xml' }
    }
}

function New-Finding {
    param([string] $File, [int] $Line, [string] $Rule, [string] $Message)
    [pscustomobject]@{ Path = [IO.Path]::GetRelativePath($root, $File); Line = $Line; Rule = $Rule; Message = $Message }
}

function Get-VariableName {
    # The name without a scope prefix: $script:x and $x are the same variable for "is it read anywhere".
    param([Management.Automation.Language.VariableExpressionAst] $Variable)
    $name = $Variable.VariablePath.UserPath
    $colon = $name.IndexOf(':')
    if ($colon -ge 0) { $name = $name.Substring($colon + 1) }
    return $name
}

function Test-IsAssignmentTarget {
    # True when the variable is what a plain '=' assigns to (directly, or inside a type constraint such as [int] $x = 1).
    param([Management.Automation.Language.VariableExpressionAst] $Variable)
    $node = $Variable
    while ($node.Parent -is [Management.Automation.Language.ConvertExpressionAst] -or
        $node.Parent -is [Management.Automation.Language.AttributedExpressionAst]) { $node = $node.Parent }
    $parent = $node.Parent
    return $parent -is [Management.Automation.Language.AssignmentStatementAst] -and $parent.Left -eq $node -and
    $parent.Operator -eq [Management.Automation.Language.TokenKind]::Equals
}

function Get-ReadName {
    # Every variable name the script reads: not a plain '=' target, not a parameter's declaration; plus names read
    # by text (Get-Variable x, Test-Path variable:x).
    param([Management.Automation.Language.Ast] $Ast)
    $names = [Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
    foreach ($v in $Ast.FindAll({ param($n) $n -is [Management.Automation.Language.VariableExpressionAst] }, $true)) {
        if ($v.Parent -isnot [Management.Automation.Language.ParameterAst] -and -not (Test-IsAssignmentTarget $v)) {
            [void] $names.Add((Get-VariableName $v))
        }
    }
    foreach ($command in $Ast.FindAll({ param($n) $n -is [Management.Automation.Language.CommandAst] }, $true)) {
        if ($command.GetCommandName() -in 'Get-Variable', 'Remove-Variable', 'Test-Path') {
            $command.CommandElements | Where-Object { $_ -is [Management.Automation.Language.StringConstantExpressionAst] } |
                ForEach-Object { [void] $names.Add(($_.Value -replace '^variable:', '')) }
        }
    }
    return , $names
}

function Get-DotSourcedName {
    # File names this script dot-sources: '. (Join-Path $PSScriptRoot 'TestHelpers.ps1')' and '. ./x.ps1'.
    param([Management.Automation.Language.Ast] $Ast)
    $Ast.FindAll({
        param($n) $n -is [Management.Automation.Language.CommandAst] -and
            $n.InvocationOperator -eq [Management.Automation.Language.TokenKind]::Dot
    }, $true) |
        ForEach-Object {
            $_.FindAll({ param($n) $n -is [Management.Automation.Language.StringConstantExpressionAst] -and $n.Value -like '*.ps1' }, $true)
        } |
        ForEach-Object { Split-Path $_.Value -Leaf }
}

function Get-Suppression {
    # [Diagnostics.CodeAnalysis.SuppressMessageAttribute('UnusedParameter', 'Name', Justification = 'why')] on a
    # param block, as PSScriptAnalyzer reads it; an empty target suppresses the rule for every name there.
    param([Management.Automation.Language.ParamBlockAst] $ParamBlock)
    foreach ($attribute in $ParamBlock.Attributes) {
        if ($attribute.TypeName.Name -notmatch 'SuppressMessage(Attribute)?$' -or $attribute.PositionalArguments.Count -lt 1) { continue }
        $target = if ($attribute.PositionalArguments.Count -gt 1) { $attribute.PositionalArguments[1].Value } else { '' }
        [pscustomobject]@{ Rule = $attribute.PositionalArguments[0].Value; Target = $target }
    }
}

function Add-HereStringLine {
    # Adds the lines inside the script's here-strings (their text is written out as it stands), shifted by $Offset
    # where the script starts further down a file.
    param([Collections.Generic.HashSet[int]] $Lines, [Management.Automation.Language.ScriptBlockAst] $Ast, [int] $Offset = 0)
    $hereStrings = $Ast.FindAll({
        param($n) ($n -is [Management.Automation.Language.StringConstantExpressionAst] -or
            $n -is [Management.Automation.Language.ExpandableStringExpressionAst]) -and $n.StringConstantType -like '*HereString'
    }, $true)
    foreach ($here in $hereStrings) {
        for ($i = $here.Extent.StartLineNumber + 1; $i -lt $here.Extent.EndLineNumber; $i++) { [void] $Lines.Add($i + $Offset) }
    }
}

function Get-LongLine {
    # Lines over the limit, except those inside a here-string.
    param([IO.FileInfo] $File, [Collections.Generic.HashSet[int]] $HereLines)
    $number = 0
    foreach ($text in [IO.File]::ReadAllLines($File.FullName)) {
        $number++
        if ($text.Length -gt $maxLineLength -and -not $HereLines.Contains($number)) {
            $message = "$($text.Length) characters, over $($maxLineLength): wrap after a pipe, a comma or an operator, or splat."
            New-Finding $File.FullName $number 'LineLength' $message
        }
    }
}

function Test-ScriptFile {
    # The rules over one script. A script block from a .ps1xml file (-ScriptBlock) is not a script of its own: it takes
    # no strict mode, no file-name verb, and its long lines are counted over the whole file by the caller.
    param([IO.FileInfo] $File, [Management.Automation.Language.ScriptBlockAst] $Ast, [object[]] $Errors, [hashtable] $DotSourcedBy,
        [switch] $ScriptBlock)
    foreach ($e in $errors) { New-Finding $File.FullName $e.Extent.StartLineNumber 'ParseError' $e.Message }
    if ($errors) { return }

    if (-not $ScriptBlock) {
        $hereLines = [Collections.Generic.HashSet[int]]::new()
        Add-HereStringLine $hereLines $Ast
        Get-LongLine $File $hereLines
    }

    # ApprovedVerb: functions, and scripts named like commands.
    $functions = @($ast.FindAll({ param($n) $n -is [Management.Automation.Language.FunctionDefinitionAst] }, $true))
    $names = @($functions | ForEach-Object { $_.Name }) +
        @($File.BaseName -replace '\.Tests$', '' | Where-Object { -not $ScriptBlock -and $_ -cmatch '^[A-Z][a-z]+-[A-Z]' })
    foreach ($name in $names) {
        if ($name -match '^([A-Za-z]+)-[A-Za-z]' -and -not $approvedVerbs.Contains($Matches[1])) {
            $line = ($functions | Where-Object Name -EQ $name | Select-Object -First 1 | ForEach-Object { $_.Extent.StartLineNumber }) ?? 1
            New-Finding $File.FullName $line 'ApprovedVerb' "'$name' uses the verb '$($Matches[1])', which Get-Verb does not list."
        }
    }

    # NoAlias: commands called by an alias, unless the file defines a function of that name.
    $defined = [Collections.Generic.HashSet[string]]::new([string[]] @($functions | ForEach-Object Name),
        [StringComparer]::OrdinalIgnoreCase)
    foreach ($command in $ast.FindAll({ param($n) $n -is [Management.Automation.Language.CommandAst] }, $true)) {
        $name = $command.GetCommandName()
        # '& cp' names the native program on purpose; only PowerShell's own aliases are an error after '&'.
        $deliberateNative = $command.InvocationOperator -eq [Management.Automation.Language.TokenKind]::Ampersand -and
            $windowsOnlyAliases.Contains($name)
        if ($name -and $aliases.ContainsKey($name) -and -not $defined.Contains($name) -and -not $deliberateNative) {
            New-Finding $File.FullName $command.Extent.StartLineNumber 'NoAlias' "'$name' is an alias; write $($aliases[$name])."
        }
    }

    # StrictMode: a Set-StrictMode -Version among the script's own top-level statements. A Pester file's top level
    # runs only at discovery, so there it must be inside a top-level BeforeAll, whose scope the tests run under.
    $topLevel = @($ast.EndBlock.Statements) + @(if ($ast.BeginBlock) { $ast.BeginBlock.Statements })
    $isPester = $File.Name -like '*.Tests.ps1'
    if ($isPester) {
        $topLevel = @($topLevel |
            Where-Object { $_ -is [Management.Automation.Language.PipelineAst] -and
                $_.PipelineElements[0] -is [Management.Automation.Language.CommandAst] -and
                $_.PipelineElements[0].GetCommandName() -eq 'BeforeAll' } |
            ForEach-Object {
                $_.PipelineElements[0].CommandElements | Where-Object { $_ -is [Management.Automation.Language.ScriptBlockExpressionAst] }
            } |
            ForEach-Object { $_.ScriptBlock.EndBlock.Statements })
    }
    $strict = $topLevel | Where-Object {
        $_ -is [Management.Automation.Language.PipelineAst] -and $_.PipelineElements.Count -eq 1 -and
        $_.PipelineElements[0] -is [Management.Automation.Language.CommandAst] -and
        $_.PipelineElements[0].GetCommandName() -eq 'Set-StrictMode' -and $_.Extent.Text -match '-Version'
    }
    $where = if ($isPester) { 'in a top-level BeforeAll' } else { 'at the top level' }
    $strictWaived = $ScriptBlock -or ($ast.ParamBlock -and (Get-Suppression $ast.ParamBlock | Where-Object Rule -EQ 'StrictMode'))
    if (-not $strict -and -not $strictWaived) {
        $message = "No Set-StrictMode -Version $($where): misspelt variables and properties would pass silently."
        New-Finding $File.FullName 1 'StrictMode' $message
    }

    # Reads and plain assignments, by name, over the whole file (Pester blocks share variables across script blocks)
    # and over the files that dot-source this one (a helper's variables are read by its callers).
    $read = [Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
    $read.UnionWith((Get-ReadName $ast))
    foreach ($caller in @($DotSourcedBy[$File.Name])) { if ($caller) { $read.UnionWith($caller) } }
    $assigned = [Collections.Generic.Dictionary[string, int]]::new([StringComparer]::OrdinalIgnoreCase)
    foreach ($v in $ast.FindAll({ param($n) $n -is [Management.Automation.Language.VariableExpressionAst] }, $true)) {
        $name = Get-VariableName $v
        if ((Test-IsAssignmentTarget $v) -and -not $assigned.ContainsKey($name) -and $v.VariablePath.UserPath -notmatch '^(env|global):') {
            $assigned[$name] = $v.Extent.StartLineNumber
        }
    }
    $fileSuppressions = if ($ast.ParamBlock) { Get-Suppression $ast.ParamBlock } else { @() }
    foreach ($entry in $assigned.GetEnumerator()) {
        $name = $entry.Key
        if ($read.Contains($name) -or $effectVariables.Contains($name) -or $name -like '*Preference') { continue }
        if ($fileSuppressions | Where-Object { $_.Rule -eq 'UnusedVariable' -and $_.Target -in '', $name }) { continue }
        New-Finding $File.FullName $entry.Value 'UnusedVariable' "`$$name is assigned but never read."
    }

    # UnusedParameter: per function or script param block, read within that block (or passed on as a whole).
    $blocks = @($ast) +
        @($ast.FindAll({ param($n) $n -is [Management.Automation.Language.ScriptBlockAst] -and $n.ParamBlock }, $true) |
            Where-Object { $_ -ne $ast })
    foreach ($block in $blocks) {
        if (-not $block.ParamBlock) { continue }
        $blockVariables = @(
            $block.FindAll({
                param($n) $n -is [Management.Automation.Language.VariableExpressionAst] -and
                    $n.Parent -isnot [Management.Automation.Language.ParameterAst]
            }, $true))
        $blockNames = [Collections.Generic.HashSet[string]]::new([string[]] @($blockVariables | ForEach-Object { Get-VariableName $_ }),
            [StringComparer]::OrdinalIgnoreCase)
        if ($blockNames.Contains('PSBoundParameters') -or $blockNames.Contains('args')) { continue }
        $suppressed = Get-Suppression $block.ParamBlock
        foreach ($parameter in $block.ParamBlock.Parameters) {
            $name = Get-VariableName $parameter.Name
            if ($suppressed | Where-Object { $_.Rule -eq 'UnusedParameter' -and $_.Target -in '', $name }) { continue }
            if (-not $blockNames.Contains($name)) {
                New-Finding $File.FullName $parameter.Extent.StartLineNumber 'UnusedParameter' "Parameter `$$name is never read."
            }
        }
    }

    # WriteHostInData: functions that return data must not also write to the host.
    foreach ($function in $functions) {
        $writesHost = $function.Body.Find({
            param($n) $n -is [Management.Automation.Language.CommandAst] -and $n.GetCommandName() -eq 'Write-Host'
        }, $true)
        if (-not $writesHost) { continue }
        $declaresOutput = $function.Body.ParamBlock -and
            ($function.Body.ParamBlock.Attributes | Where-Object { $_.TypeName.Name -eq 'OutputType' })
        $returnsValue = $function.Body.Find({ param($n) $n -is [Management.Automation.Language.ReturnStatementAst] -and $n.Pipeline },
            $true)
        if ($declaresOutput -or $returnsValue) {
            $message = "$($function.Name) returns data and also calls Write-Host; use Write-Verbose or Write-Information."
            New-Finding $File.FullName $writesHost.Extent.StartLineNumber 'WriteHostInData' $message
        }
    }
}

function Get-XmlScriptBlock {
    # The PowerShell in a format or type file: each script-bearing element's text, XML-decoded, with the file line
    # its text starts on (entities decode to one character, so the script's line N is the file's line Start + N - 1).
    param([IO.FileInfo] $File)
    $settings = [Xml.XmlReaderSettings]::new()
    $settings.DtdProcessing = [Xml.DtdProcessing]::Prohibit
    $reader = [Xml.XmlReader]::Create($File.FullName, $settings)
    try {
        while ($reader.Read()) {
            $isScript = $reader.NodeType -eq [Xml.XmlNodeType]::Element -and -not $reader.IsEmptyElement -and
                $reader.LocalName -in 'ScriptBlock', 'GetScriptBlock', 'SetScriptBlock', 'Script'
            if (-not $isScript) { continue }
            $text = [Text.StringBuilder]::new()
            $start = 0
            while ($reader.Read() -and $reader.NodeType -ne [Xml.XmlNodeType]::EndElement) {
                if ($reader.NodeType -in 'Text', 'CDATA', 'Whitespace', 'SignificantWhitespace') {
                    if (-not $start) { $start = ([Xml.IXmlLineInfo] $reader).LineNumber }
                    [void] $text.Append($reader.Value)
                }
            }
            if ($start) { [pscustomobject]@{ StartLine = $start; Text = $text.ToString() } }
        }
    }
    finally { $reader.Dispose() }
}

function Test-XmlFile {
    # Each script block of a .ps1xml file under the script rules, then the file's own lines under LineLength.
    param([IO.FileInfo] $File)
    $hereLines = [Collections.Generic.HashSet[int]]::new()
    try { $blocks = @(Get-XmlScriptBlock $File) }
    catch {
        $line = if ($_.Exception.InnerException -is [Xml.XmlException]) { $_.Exception.InnerException.LineNumber } else { 1 }
        New-Finding $File.FullName $line 'ParseError' "Not well-formed XML: $($_.Exception.InnerException.Message ?? $_.Exception.Message)"
        return
    }
    foreach ($block in $blocks) {
        $tokens = $null
        $parseErrors = $null
        $blockAst = [Management.Automation.Language.Parser]::ParseInput($block.Text, [ref] $tokens, [ref] $parseErrors)
        $offset = $block.StartLine - 1
        Add-HereStringLine $hereLines $blockAst $offset
        Test-ScriptFile $File $blockAst @($parseErrors) @{} -ScriptBlock | ForEach-Object { $_.Line += $offset; $_ }
    }
    Get-LongLine $File $hereLines
}

$allFiles = @(Get-ScriptFile $Path | Sort-Object FullName -Unique)
$files = @($allFiles | Where-Object Extension -NE '.ps1xml')
$xmlFiles = @($allFiles | Where-Object Extension -EQ '.ps1xml')
# Which files dot-source which, so a helper's variables count as read where its callers read them.
# Each file is parsed once; the dot-source map and the rules read the same tree.
$dotSourcedBy = @{}
$parsedFiles = foreach ($file in $files) {
    $parseErrors = $null
    $parsed = [Management.Automation.Language.Parser]::ParseFile($file.FullName, [ref] $null, [ref] $parseErrors)
    [pscustomobject]@{ File = $file; Ast = $parsed; Errors = @($parseErrors) }
    foreach ($helper in @(Get-DotSourcedName $parsed)) {
        if (-not $dotSourcedBy.ContainsKey($helper)) { $dotSourcedBy[$helper] = [Collections.Generic.List[object]]::new() }
        $dotSourcedBy[$helper].Add((Get-ReadName $parsed))
    }
}
$findings = @($parsedFiles | ForEach-Object { Test-ScriptFile $_.File $_.Ast $_.Errors $dotSourcedBy }) +
    @($xmlFiles | ForEach-Object { Test-XmlFile $_ })
$findings
if ($FailOnFinding -and $findings.Count -gt 0) {
    $message = "$($findings.Count) PowerShell style finding(s); fix them (see the list above)."
    Write-Error -ErrorId 'ScriptStyleFindings' -Category InvalidData -Message $message -ErrorAction Continue
    exit 1
}
