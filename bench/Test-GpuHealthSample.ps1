<#
.SYNOPSIS
    Test-GpuHealth on a GPU machine beside nvidia-smi's reading of the same counters, with the time it took and the
    scheduler script's exit code. Writes its log into $env:OUT when set.
.DESCRIPTION
    From the bundle: ./dlgpu -File bench/Test-GpuHealthSample.ps1. Runs Test-GpuHealth -ExpectedGpuCount <nvidia-smi's
    count> three times (the median time is reported; the first includes loading NVML), prints the report, every
    check, and nvidia-smi --query-gpu for ECC, remapped rows, retired pages, PCIe link, clock-event reasons, power
    limits, temperature, persistence and MIG, then runs ../dlgpu-healthcheck and prints its line and exit code.
    Then Test-GpuHealth -Level Standard -Duration <StandardSeconds> with nvidia-smi sampling the same GPUs once a
    second beside it (clocks, power, temperature, clock-event reasons), our Load view beside nvidia-smi's medians and
    maxima, and -Level Long -Duration <LongSeconds> (0 skips it).
#>
param([string] $OutDirectory = $env:OUT, [double] $StandardSeconds = 60, [double] $LongSeconds = 30)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module DlGpuTools
. (Join-Path $PSScriptRoot '../tests/Pester/TestHelpers.ps1') # New-PrivateTempDirectory
# nvidia-smi's readings, written as root: in a new private folder, not at a name in /tmp someone could link elsewhere.
$smiFolder = New-PrivateTempDirectory -Prefix 'dlgpu-smi-'
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
Say ("Times: {0} s (median {1:0.00} s; the Xid watch listens 1 s)" -f (($times | ForEach-Object { '{0:0.00}' -f $_ }) -join ', '),
    $sorted[1])
Say ($report | Format-Table | Out-String -Width 80).TrimEnd()
Say ($report | Format-List | Out-String -Width 80).TrimEnd()
Say ($report.Checks | Format-Table | Out-String -Width 80).TrimEnd()

Say ''
Say 'nvidia-smi, the same counters:'
$query = @(
    'index', 'ecc.errors.uncorrected.volatile.total', 'ecc.errors.uncorrected.aggregate.total', 'remapped_rows.pending',
    'remapped_rows.failure', 'retired_pages.pending', 'pcie.link.gen.current', 'pcie.link.gen.max', 'pcie.link.width.current',
    'pcie.link.width.max', 'clocks_event_reasons.active', 'power.limit', 'power.default_limit', 'temperature.gpu',
    'temperature.gpu.tlimit', 'persistence_mode', 'mig.mode.current', 'mig.mode.pending'
) -join ','
& nvidia-smi --query-gpu=$query --format=csv 2>&1 | ForEach-Object { Say "  $_" }
& nvidia-smi -q -d PERFORMANCE,
    TEMPERATURE 2>&1 | Select-String -Pattern 'Slowdown Temp|GPU Slowdown|Replay|HW Slowdown|SW Thermal' |
        ForEach-Object { Say "  $($_.Line.Trim())" }
& nvidia-smi -q 2>&1 | Select-String -Pattern 'Replays Since Reset|Replay Number Rollovers' | ForEach-Object { Say "  $($_.Line.Trim())" }

$script = Join-Path $PSScriptRoot '../dlgpu-healthcheck'
if (Test-Path $script) {
    $line = & $script -ExpectedGpuCount $gpus
    Say "dlgpu-healthcheck -ExpectedGpuCount $($gpus): exit $LASTEXITCODE, '$line'"
}

function Measure-UnderLoad([string] $Level, [double] $Seconds) {
    # nvidia-smi beside our sampler: the same counters, read by NVIDIA's own tool, once a second.
    $smiLog = Join-Path $smiFolder "$Level.csv"
    $smiQuery = '--query-gpu=index,clocks.sm,clocks.mem,power.draw,power.limit,temperature.gpu,clocks_event_reasons.active'
    $smiArguments = $smiQuery, '--format=csv,noheader,nounits', '-lms', '1000'
    $smi = Start-Process nvidia-smi -ArgumentList $smiArguments -RedirectStandardOutput $smiLog -PassThru
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $r = Test-GpuHealth -Level $Level -Duration $Seconds -ExpectedGpuCount $gpus -ErrorAction SilentlyContinue
    $elapsed = $sw.Elapsed.TotalSeconds
    Stop-Process -Id $smi.Id -ErrorAction SilentlyContinue
    Start-Sleep -Milliseconds 300
    Say ''
    Say ("Test-GpuHealth -Level {0} -Duration {1}: {2:0.0} s in all, verdict {3}, action {4}" -f $Level, $Seconds,
        $elapsed, $r.Verdict, $r.Action)
    if ($r.Reason) { Say "Reason: $($r.Reason)" }
    Say ($r.Gpus | Format-Table -View Load | Out-String -Width 100).TrimEnd()
    Say ($r.Checks |
        Where-Object {
            $_.Check -in 'GEMM results', 'GEMM throughput', 'GEMM vs peers', 'Peer results', 'Clocks and power', 'ECC under load',
                'Memory bandwidth', 'Host-to-device', 'Memory test', 'ECC memory test', 'Xid events'
        } |
        Format-Table Gpu, Check, Status, Detail -Wrap | Out-String -Width 160).TrimEnd()
    $rows = @(Get-Content $smiLog -ErrorAction SilentlyContinue | ForEach-Object {
            $f = $_ -split ',\s*'
            if ($f.Count -ge 7 -and $f[1] -match '^\d+$') {
                [pscustomobject]@{
                    Index = [int]$f[0]; Sm = [int]$f[1]; Mem = [int]$f[2]; Power = [double]$f[3]; Limit = [double]$f[4]
                    Temp = [int]$f[5]; Reasons = $f[6]
                }
            }
        })
    Say "nvidia-smi under the same load ($($rows.Count) readings; the first seconds are the setup, before the stress):"
    foreach ($g in $rows | Group-Object Index) {
        $busy = @($g.Group | Where-Object { $_.Power -gt 0.5 * $_.Limit })
        if ($busy.Count -eq 0) { $busy = $g.Group }
        $sm = @($busy.Sm | Sort-Object); $pw = @($busy.Power | Sort-Object)
        $summaryFormat = '  GPU {0}: {1} readings above half the power limit; SM clock median {2} MHz (max {3}); ' +
            'power median {4:0} W (max {5:0}) of {6:0} W; max {7} C; reasons seen {8}'
        Say ($summaryFormat -f `
                $g.Name, $busy.Count, $sm[[int]($sm.Count / 2)], $sm[-1], $pw[[int]($pw.Count / 2)], $pw[-1], $busy[0].Limit,
                    ($busy.Temp | Measure-Object -Maximum).Maximum, (($busy.Reasons | Sort-Object -Unique) -join ' '))
    }
    if ($OutDirectory) { $r | ConvertTo-Json -Depth 4 | Set-Content (Join-Path $OutDirectory "health-$($Level.ToLowerInvariant()).json") }
}

if ($StandardSeconds -gt 0) { Measure-UnderLoad Standard $StandardSeconds }
if ($LongSeconds -gt 0) { Measure-UnderLoad Long $LongSeconds }

if ($OutDirectory) {
    $log | Set-Content (Join-Path $OutDirectory 'health.txt')
    $report | ConvertTo-Json -Depth 4 | Set-Content (Join-Path $OutDirectory 'health.json')
}

Remove-Item -LiteralPath $smiFolder -Recurse -Force -ErrorAction SilentlyContinue
