<#
.SYNOPSIS
    Runs the Pester suite against the built module. Started by build.ps1 in a child pwsh (a loaded
    binary module cannot be unloaded, so the build process never imports it) and by the bundle's
    launcher on a GPU machine.
.DESCRIPTION
    GPU-tagged tests run in a process of their own, after the others: the other tests load the fake
    CUDA driver, and a process that has loaded one CUDA driver keeps it.
    -Backend picks what the scenario tests (tag Scenario, tests/Pester/Scenarios.Tests.ps1) run against, through
    $env:DLGPUTOOLS_TEST_BACKEND:
      Fake (default, CI)  the whole suite on the fakes, scenarios included; then, in the GPU process, the
                          Gpu-tagged tests and the scenarios again on the real GPU (both skip, saying why,
                          where nvidia-smi lists no GPU)
      Gpu                 only that GPU process: the scenarios and the Gpu-tagged tests on this machine's GPU
    -GpuOnly is -Backend Gpu.
#>
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $ModuleRoot,
    [Parameter(Mandatory)] [string] $TestsPath,
    [string] $FakesPath,
    [string] $ResultFile,
    # Where to write the counts as JSON (build.ps1 reads them); none when not given.
    [string] $SummaryFile,
    [string] $Tag,
    [ValidateSet('Fake', 'Gpu')] [string] $Backend = 'Fake',
    [switch] $GpuOnly
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$ModuleRoot = [IO.Path]::GetFullPath($ModuleRoot)
$PesterManifest = [IO.Path]::GetFullPath($PesterManifest)
$TestsPath = [IO.Path]::GetFullPath($TestsPath)
if ($FakesPath) { $FakesPath = [IO.Path]::GetFullPath($FakesPath) }
$sep = [IO.Path]::PathSeparator
$env:PSModulePath = $ModuleRoot + $sep + $env:PSModulePath
$env:DLGPUTOOLS_TEST_MODULE = Join-Path $ModuleRoot 'DlGpuTools/DlGpuTools.psd1'
if ($FakesPath) { $env:DLGPUTOOLS_TEST_FAKES = $FakesPath }
# Autoloading stays on (Pester needs the built-in modules); tests import the built module by path.
Import-Module $PesterManifest -Force

function Invoke-Suite([string[]] $IncludeTag, [string[]] $ExcludeTag, [string] $Results) {
    $config = New-PesterConfiguration
    $config.Run.Path = $TestsPath
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Detailed'
    if ($IncludeTag) { $config.Filter.Tag = $IncludeTag }
    if ($ExcludeTag) { $config.Filter.ExcludeTag = $ExcludeTag }
    if ($Results) {
        $config.TestResult.Enabled = $true
        $config.TestResult.OutputPath = $Results
        $config.TestResult.OutputFormat = 'JUnitXml'
    }
    Invoke-Pester -Configuration $config
}

if ($GpuOnly) { $Backend = 'Gpu' }
$env:DLGPUTOOLS_TEST_BACKEND = $Backend
# What runs on the real GPU: the scenarios and the GPU-only tests, or those of them -Tag names.
$gpuTags = if ($Tag) { @($Tag -split ',' | Where-Object { $_ -in 'Scenario', 'Gpu' }) } else { @('Scenario', 'Gpu') }

if ($Backend -eq 'Gpu') {
    if (-not $gpuTags) { throw "-Backend Gpu runs the tags Scenario and Gpu; -Tag '$Tag' names neither." }
    $run = Invoke-Suite -IncludeTag $gpuTags -Results $ResultFile
    $summary = [pscustomobject]@{
        Passed  = $run.PassedCount
        Failed  = $run.FailedCount + $run.FailedBlocksCount + $run.FailedContainersCount
        Skipped = $run.SkippedCount
    }
}
else {
    $tags = if ($Tag) { $Tag -split ',' } else { $null }
    $run = Invoke-Suite -IncludeTag $tags -ExcludeTag 'Gpu' -Results $ResultFile
    $summary = [pscustomobject]@{
        Passed  = $run.PassedCount
        Failed  = $run.FailedCount + $run.FailedBlocksCount + $run.FailedContainersCount
        Skipped = $run.SkippedCount
    }
    if ($gpuTags) {
        # The GPU suite in a fresh process, with the same module and Pester.
        # Its counts come back through a file in a private folder: this may run as root, and a name in /tmp could be
        # another user's link to any file. The helpers in a module scope: dot-sourced, their variables would replace these.
        $helpers = Join-Path $TestsPath 'TestHelpers.ps1'
        New-Module -Name DlGpuToolsTestHelpers -ScriptBlock { param([string] $Path) . $Path } -ArgumentList $helpers | Import-Module
        $gpuFolder = New-PrivateTempDirectory -Prefix 'dlgputools-pester-'
        $gpuSummary = Join-Path $gpuFolder 'summary.json'
        $self = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
        $entry = @()
        if ((Split-Path $self -Leaf) -match '^dotnet(\.exe)?$') { $entry = @([System.Reflection.Assembly]::GetEntryAssembly().Location) }
        $childArgs = @('-NoProfile', '-NonInteractive', '-File', $PSCommandPath, '-PesterManifest', $PesterManifest,
            '-ModuleRoot', $ModuleRoot,
            '-TestsPath', $TestsPath, '-SummaryFile', $gpuSummary, '-Backend', 'Gpu', '-Tag', ($gpuTags -join ','))
        if ($FakesPath) { $childArgs += @('-FakesPath', $FakesPath) }
        if ($ResultFile) { $childArgs += @('-ResultFile', [IO.Path]::ChangeExtension($ResultFile, '.gpu.xml')) }
        & $self @entry @childArgs | Out-Host
        if (Test-Path $gpuSummary) {
            $gpu = Get-Content -Raw $gpuSummary | ConvertFrom-Json
            $summary.Passed += $gpu.Passed; $summary.Failed += $gpu.Failed; $summary.Skipped += $gpu.Skipped
        }
        else {
            Write-Host 'The GPU test process ended without a summary: counted as one failure.'
            $summary.Failed += 1
        }
        Remove-Item -LiteralPath $gpuFolder -Recurse -Force -ErrorAction SilentlyContinue
    }
}

if ($SummaryFile) { $summary | ConvertTo-Json | Set-Content -Path $SummaryFile }
Write-Host ("Pester: {0} passed, {1} failed, {2} skipped" -f $summary.Passed, $summary.Failed, $summary.Skipped)
exit ([int]($summary.Failed -gt 0))
