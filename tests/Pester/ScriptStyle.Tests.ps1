# The PowerShell linter (tools/Test-ScriptStyle.ps1) that CI runs over build, tools, bench, module scripts, the
# module's format and type files, and tests: each rule must catch a planted violation, and the repository itself
# must have no finding.

# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Linter = Join-Path $RepoRoot 'tools/Test-ScriptStyle.ps1'
    $script:Planted = Join-Path ([IO.Path]::GetTempPath()) ("lint-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $Planted | Out-Null

    function Invoke-Linter {
        param([string] $Name, [string] $Text)
        $file = Join-Path $Planted $Name
        Set-Content -LiteralPath $file -Value $Text
        @(& $Linter -Path $file)
    }
}

AfterAll { Remove-Item -LiteralPath $Planted -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'Test-ScriptStyle' {
    It 'finds nothing in a script that keeps every rule' {
        $clean = @'
param([string] $Name)
Set-StrictMode -Version 3.0
function Get-Greeting {
    [OutputType([string])]
    param([string] $Who)
    Write-Verbose "greeting $Who"
    return "hello $Who"
}
$greeting = Get-Greeting -Who $Name
Write-Output $greeting
'@
        Invoke-Linter 'Clean.ps1' $clean | Should -BeNullOrEmpty
    }

    It 'flags <Rule>' -ForEach @(
        @{ Rule = 'ApprovedVerb'; Text = "Set-StrictMode -Version 3.0`nfunction Fetch-Thing { 'x' }`nFetch-Thing" }
        @{ Rule = 'NoAlias'; Text = "Set-StrictMode -Version 3.0`nGet-ChildItem | % { `$_.Name }" }
        @{ Rule = 'NoAlias'; Text = "Set-StrictMode -Version 3.0`nsort -InputObject 3" }
        @{ Rule = 'StrictMode'; Text = "Get-Date" }
        @{ Rule = 'UnusedParameter'; Text = "param([string] `$Used, [string] `$Forgotten)`nSet-StrictMode -Version 3.0`n`$Used" }
        @{ Rule = 'UnusedVariable'; Text = "Set-StrictMode -Version 3.0`n`$computed = 1 + 1`nGet-Date" }
        @{ Rule = 'WriteHostInData'
        Text = "Set-StrictMode -Version 3.0`nfunction Get-Count { Write-Host 'counting'; return 3 }`nGet-Count" }
        @{ Rule = 'ParseError'; Text = "Set-StrictMode -Version 3.0`nif (" }
        @{ Rule = 'LineLength'; Text = "Set-StrictMode -Version 3.0`n'" + ('x' * 139) + "'" }
    ) {
        $findings = Invoke-Linter "Planted-$Rule.ps1" $Text
        $findings.Rule | Should -Contain $Rule
        ($findings | Where-Object Rule -EQ $Rule).Line | Should -BeGreaterThan 0
    }

    It 'wants strict mode inside a top-level BeforeAll in a Pester file, where the tests run' {
        $topLevelOnly = "Set-StrictMode -Version 3.0`nDescribe 'x' { It 'y' { 1 | Should -Be 1 } }"
        (Invoke-Linter 'TopLevel.Tests.ps1' $topLevelOnly).Rule | Should -Contain 'StrictMode'
        $inBeforeAll = "BeforeAll { Set-StrictMode -Version 3.0 }`nDescribe 'x' { It 'y' { 1 | Should -Be 1 } }"
        Invoke-Linter 'InBeforeAll.Tests.ps1' $inBeforeAll | Should -BeNullOrEmpty
    }

    It 'counts a line of exactly 140 characters as fine, and not the text inside a here-string' {
        $atLimit = "Set-StrictMode -Version 3.0`n'" + ('x' * 138) + "'"
        Invoke-Linter 'AtLimit.ps1' $atLimit | Should -BeNullOrEmpty
        $hereString = "Set-StrictMode -Version 3.0`n`$report = @'`n" + ('x' * 200) + "`n'@`n`$report"
        Invoke-Linter 'HereString.ps1' $hereString | Should -BeNullOrEmpty
    }

    It 'takes a justified suppression on the param block, as PSScriptAnalyzer does' {
        $text = "[Diagnostics.CodeAnalysis.SuppressMessageAttribute('UnusedParameter', 'Later', Justification = 'read by appended text')]" +
            "`nparam(`$Later)`nSet-StrictMode -Version 3.0"
        Invoke-Linter 'Suppressed.ps1' $text | Should -BeNullOrEmpty
    }

    It 'counts a variable read by a script that dot-sources the file as used' {
        $caller = "Set-StrictMode -Version 3.0`n. (Join-Path `$PSScriptRoot 'Shared.ps1')`n`$SharedPath"
        Set-Content -LiteralPath (Join-Path $Planted 'Caller.ps1') -Value $caller
        Set-Content -LiteralPath (Join-Path $Planted 'Shared.ps1') -Value "Set-StrictMode -Version 3.0`n`$SharedPath = '/tmp'"
        & $Linter -Path $Planted | Where-Object { $_.Path -like '*Shared.ps1' } | Should -BeNullOrEmpty
    }

    It 'reads the PowerShell in a format file, each finding at its line of the .ps1xml file' {
        # Line 8 holds a one-line block with an alias; the block on lines 9-12 assigns a variable it never reads and
        # calls a command by an alias on its line 11; line 13 is too long. Line 8's escaped '2&gt;' must decode to a
        # redirection before parsing ('&' alone does not parse).
        $long = "'" + ('x' * 120) + "'"
        $xml = @"
<?xml version="1.0" encoding="utf-8"?>
<Configuration>
  <ViewDefinitions>
    <View>
      <Name>Planted</Name>
      <ViewSelectedBy><TypeName>Planted</TypeName></ViewSelectedBy>
      <ListControl><ListEntries><ListEntry><ListItems>
        <ListItem><Label>A</Label><ScriptBlock>if (`$_.Count -gt 1) { `$_ | select -First 1 2&gt;`$null }</ScriptBlock></ListItem>
        <ListItem><Label>B</Label><ScriptBlock>
          `$unread = 1
          (`$_.Items | % { `$_.Name }) -join ', '
        </ScriptBlock></ListItem>
        <ListItem><Label>C</Label><ScriptBlock>if (`$_.Size -gt 0) { $long }</ScriptBlock></ListItem>
      </ListItems></ListEntry></ListEntries></ListControl>
    </View>
  </ViewDefinitions>
</Configuration>
"@
        $file = Join-Path $TestDrive 'Planted.Format.ps1xml'
        Set-Content -LiteralPath $file -Value $xml
        $findings = @(& $Linter -Path $file)
        $findings | ForEach-Object { $_.Path | Should -BeLike '*Planted.Format.ps1xml' }
        @($findings | Where-Object Rule -EQ 'NoAlias' | ForEach-Object Line) | Should -Be @(8, 11)
        @($findings | Where-Object Rule -EQ 'UnusedVariable' | ForEach-Object Line) | Should -Be @(10)
        @($findings | Where-Object Rule -EQ 'LineLength' | ForEach-Object Line) | Should -Be @(13)
        $findings.Rule | Should -Not -Contain 'StrictMode' -Because "a view's script block is not a script file"
        $findings.Rule | Should -Not -Contain 'ParseError' -Because "'&gt;' decodes to '>' before the block is parsed"
    }

    It 'reports a script block that does not parse and a file that is not XML, at their lines, and passes a clean type file' {
        $broken = "<Configuration><ViewDefinitions><View><Name>B</Name>`n<ScriptBlock>`nif (</ScriptBlock></View>" +
            '</ViewDefinitions></Configuration>'
        $file = Join-Path $TestDrive 'Broken.Format.ps1xml'
        Set-Content -LiteralPath $file -Value $broken
        $findings = @(& $Linter -Path $file)
        ($findings | Where-Object Rule -EQ 'ParseError').Line | Should -Be 3
        Set-Content -LiteralPath $file -Value "<Configuration>`n<ScriptBlock>1</Script>`n</Configuration>"
        ($findings = @(& $Linter -Path $file)).Rule | Should -Be 'ParseError' -Because 'the file is not well-formed XML'
        $findings[0].Line | Should -Be 2

        $types = "<Types><Type><Name>T</Name><Members><ScriptProperty><Name>Twice</Name>`n" +
            "<GetScriptBlock>`$this.Count * 2</GetScriptBlock></ScriptProperty></Members></Type></Types>"
        $typesFile = Join-Path $TestDrive 'Clean.Types.ps1xml'
        Set-Content -LiteralPath $typesFile -Value $types
        & $Linter -Path $typesFile | Should -BeNullOrEmpty
    }

    It 'has no finding in the repository (CI fails on any)' {
        $findings = @(& $Linter)
        $findings | ForEach-Object { "$($_.Path):$($_.Line) $($_.Rule) $($_.Message)" } | Should -BeNullOrEmpty
    }
}
