<#
.SYNOPSIS
    Times the whole Test-CuDnnInstall chain against `python3 -c "import torch; print(torch.backends.cudnn.version())"`.
.DESCRIPTION
    Both as fresh processes (what a provisioning script pays), and Test-CuDnnInstall also in a warm session.
    The median of several runs each, alternating, on one machine.
#>
param([int] $Repeat = 5, [string] $Python = 'python3')

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module DlGpuTools
$self = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
$entry = @(); if ((Split-Path $self -Leaf) -match '^dotnet') { $entry = @([System.Reflection.Assembly]::GetEntryAssembly().Location) }
$manifest = (Get-Module DlGpuTools).Path -replace '\.dll$', '.psd1'

. (Join-Path $PSScriptRoot 'BenchStatistics.ps1')

$null = Test-CuDnnInstall -ErrorAction SilentlyContinue
$warm = 1..$Repeat | ForEach-Object { (Measure-Command { $null = Test-CuDnnInstall -ErrorAction SilentlyContinue }).TotalMilliseconds }
$freshOurs = [System.Collections.Generic.List[double]]::new()
$freshTorch = [System.Collections.Generic.List[double]]::new()
for ($i = 0; $i -lt $Repeat; $i++) {
    $freshOurs.Add(
        (Measure-Command {
            $null = & $self @entry -NoProfile -NonInteractive -Command "Import-Module '$manifest'; Test-CuDnnInstall -Quiet"
        }).TotalMilliseconds)
    $freshTorch.Add((Measure-Command { $null = & $Python -c 'import torch; print(torch.backends.cudnn.version())' }).TotalMilliseconds)
}

$checks = Test-CuDnnInstall -ErrorAction SilentlyContinue
[pscustomobject]@{
    Card                          = (Get-CudaDevice -Index 0).Name
    Repeats                       = $Repeat
    ChecksRun                     = @($checks).Count - 1
    WarmSessionMedianMs           = [math]::Round((Get-Median $warm), 0)
    FreshProcessMedianMs          = [math]::Round((Get-Median $freshOurs), 0)
    TorchImportMedianMs           = [math]::Round((Get-Median $freshTorch), 0)
    'Torch/FreshProcess'          = [math]::Round((Get-Median $freshTorch) / (Get-Median $freshOurs), 2)
    'Torch/WarmSession'           = [math]::Round((Get-Median $freshTorch) / (Get-Median $warm), 2)
} | Format-List
