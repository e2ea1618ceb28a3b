# The PowerShell linter (tools/Test-ScriptStyle.ps1) that CI runs over build, tools, bench, module scripts and
# tests: each rule must catch a planted violation, and the repository itself must have no finding.

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

    It 'has no finding in the repository (CI fails on any)' {
        $findings = @(& $Linter)
        $findings | ForEach-Object { "$($_.Path):$($_.Line) $($_.Rule) $($_.Message)" } | Should -BeNullOrEmpty
    }
}
