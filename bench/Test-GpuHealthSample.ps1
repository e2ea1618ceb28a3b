<#
.SYNOPSIS
    Test-GpuHealth on a GPU machine beside nvidia-smi's reading of the same counters, with the time it took and the
    scheduler script's exit code. Writes its log into $env:OUT when set.
.DESCRIPTION
    From the bundle: ./dlgpu -File bench/Test-GpuHealthSample.ps1. Runs Test-GpuHealth -ExpectedGpuCount <nvidia-smi's
    count> three times (the median time is reported; the first includes loading NVML), prints the report, every
    check, and nvidia-smi --query-gpu for ECC, remapped rows, retired pages, PCIe link, clock-event reasons, power
    limits, temperature, persistence and MIG, then runs ../dlgpu-healthcheck and prints its line and exit code.
#>
param([string] $OutDirectory = $env:OUT)

$ErrorActionPreference = 'Stop'
Import-Module DlGpuTools
$log = [System.Collections.Generic.List[string]]::new()
function Say([string] $Text) { Write-Host $Text; $log.Add($Text) }

$gpus = @(& nvidia-smi -L | Where-Object { $_ -match '^GPU \d+:' }).Count
Say "Test-GpuHealth on $(hostname), $(Get-Date -Format u): nvidia-smi lists $gpus GPU(s)"
$times = foreach ($i in 1..3) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $report = Test-GpuHealth -ExpectedGpuCount $gpus -ErrorAction SilentlyContinue
    $sw.Elapsed.TotalSeconds
}
$sorted = $times | Sort-Object
Say ("Times: {0} s (median {1:0.00} s; the Xid watch listens 1 s)" -f (($times | ForEach-Object { '{0:0.00}' -f $_ }) -join ', '), $sorted[1])
Say ($report | Format-Table | Out-String -Width 80).TrimEnd()
Say ($report | Format-List | Out-String -Width 80).TrimEnd()
Say ($report.Checks | Format-Table | Out-String -Width 80).TrimEnd()

Say ''
Say 'nvidia-smi, the same counters:'
$query = 'index,ecc.errors.uncorrected.volatile.total,ecc.errors.uncorrected.aggregate.total,remapped_rows.pending,remapped_rows.failure,retired_pages.pending,pcie.link.gen.current,pcie.link.gen.max,pcie.link.width.current,pcie.link.width.max,clocks_event_reasons.active,power.limit,power.default_limit,temperature.gpu,temperature.gpu.tlimit,persistence_mode,mig.mode.current,mig.mode.pending'
& nvidia-smi --query-gpu=$query --format=csv 2>&1 | ForEach-Object { Say "  $_" }
& nvidia-smi -q -d PERFORMANCE,TEMPERATURE 2>&1 | Select-String -Pattern 'Slowdown Temp|GPU Slowdown|Replay|HW Slowdown|SW Thermal' | ForEach-Object { Say "  $($_.Line.Trim())" }
& nvidia-smi -q 2>&1 | Select-String -Pattern 'Replays Since Reset|Replay Number Rollovers' | ForEach-Object { Say "  $($_.Line.Trim())" }

$script = Join-Path $PSScriptRoot '../dlgpu-healthcheck'
if (Test-Path $script) {
    $line = & $script -ExpectedGpuCount $gpus
    Say "dlgpu-healthcheck -ExpectedGpuCount $($gpus): exit $LASTEXITCODE, '$line'"
}

if ($OutDirectory) {
    $log | Set-Content (Join-Path $OutDirectory 'health.txt')
    $report | ConvertTo-Json -Depth 4 | Set-Content (Join-Path $OutDirectory 'health.json')
}
