<#
.SYNOPSIS
    Starts the test daemons exactly as the tests do, then waits to be stopped: TestDaemons.Tests.ps1 runs this in
    a child process, signals it or its runner, and looks for what outlived it.
.DESCRIPTION
    Runs the setup blocks (BeforeAll) of Remoting.Tests.ps1 (sshd) and of the node_exporter test in
    Monitoring.Tests.ps1, read from those files as they are, so this follows them. Writes -ReadyFile when both
    daemons are up (with what the setup listed in $env:DLGPUTOOLS_TEST_CLEANUP), then sleeps at most -Seconds.
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('UnusedVariable', 'NodeExporter',
    Justification = 'read by the setup blocks dot-sourced below')]
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('StrictMode', '',
    Justification = 'runs the test files'' setup blocks, written for Pester''s non-strict scope')]
param(
    [Parameter(Mandatory)] [string] $ReadyFile,
    [int] $Seconds = 120
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Off
. (Join-Path $PSScriptRoot 'TestHelpers.ps1')

function Get-SetupBlock {
    # The first BeforeAll of the file, or of the Describe block with that name.
    param([string] $File, [string] $Describe)
    $ast = [Management.Automation.Language.Parser]::ParseFile((Join-Path $PSScriptRoot $File), [ref] $null, [ref] $null)
    if ($Describe) {
        $ast = $ast.Find({
                param($node)
                $node -is [Management.Automation.Language.CommandAst] -and $node.GetCommandName() -eq 'Describe' -and
                $node.CommandElements[1] -is [Management.Automation.Language.StringConstantExpressionAst] -and
                    $node.CommandElements[1].Value -eq $Describe
            }, $true)
        if (-not $ast) { throw "No Describe '$Describe' in $File." }
    }
    # The first BeforeAll that sets something up: a file's one-line strict-mode block comes first and is not it.
    $before = $ast.Find({
            param($node)
            $node -is [Management.Automation.Language.CommandAst] -and $node.GetCommandName() -eq 'BeforeAll' -and
            $node.CommandElements[1].Extent.Text -notmatch '^\{\s*Set-StrictMode[^;\r\n]*\}$'
        }, $true)
    if (-not $before) { throw "No BeforeAll in $File $Describe." }
    $before.CommandElements[1].ScriptBlock.GetScriptBlock()
}

# What the test files' discovery blocks would have set.
$NodeExporter = Get-Command prometheus-node-exporter -ErrorAction Stop
. (Get-SetupBlock 'Remoting.Tests.ps1')
. (Get-SetupBlock 'Monitoring.Tests.ps1')
. (Get-SetupBlock 'Monitoring.Tests.ps1' -Describe 'A real node_exporter serves our textfile')
# What the setup listed for the runner's cleanup (tests/guarded-run.sh, or the test itself): the test checks it.
$listed = if ($env:DLGPUTOOLS_TEST_CLEANUP) { Get-Content -LiteralPath $env:DLGPUTOOLS_TEST_CLEANUP }
Set-Content -Path $ReadyFile -Value @($listed)
Start-Sleep -Seconds $Seconds
