<#
.SYNOPSIS
    Measure-GpuBandwidth against PyTorch on the same GPUs in one call, and Get-GpuTopology beside nvidia-smi topo -m.
.DESCRIPTION
    Runs on a machine with NVIDIA GPUs and PyTorch under python3 (bench/torch_bandwidth.py times torch's copy_,
    fill_, sum, add, pinned and pageable copy_ and peer copy_ with CUDA events, median batch), -Rounds times in
    turn (ours, then torch). Prints one table: our GB/s and torch's (each the median of its rounds, with the rounds),
    the ratio, our percentage of the theoretical figure, our spread and torch's (TSpread, the same statistic over
    torch's batches, to tell a noisy link from a noisy tool; the largest of the rounds), then the targets of issue
    12 as PASS/FAIL lines, then both topology views. Writes everything (and the raw objects of every round as JSON)
    into $env:OUT when set. About 3-4 minutes on two H100s with 3 rounds.
    Targets (issue 12): every ratio >= 1.0; device_write_sm >= 90% and copy traffic >= 88% of theoretical on
    H100/H200; spread < 3% on an idle GPU.
#>
param(
    [int[]] $Index,
    [int] $Iterations = 10,
    [int] $Rounds = 3,
    [string] $Python = 'python3',
    [string] $OutDirectory = $env:OUT
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module DlGpuTools
$devices = if ($Index) { Get-CudaDevice -Index $Index } else { Get-CudaDevice }
$indexes = @($devices.Index)
$log = [System.Collections.Generic.List[string]]::new()
function Say([string] $Text) { Write-Host $Text; $log.Add($Text) }
. (Join-Path $PSScriptRoot 'BenchStatistics.ps1')

$cardNames = ($devices | ForEach-Object Name | Select-Object -Unique) -join ', '
Say ("Measure-GpuBandwidth vs PyTorch, $(Get-Date -Format u), GPUs $($indexes -join ', '): $cardNames, " +
    "driver $($devices[0].DriverVersion)")
Say ("Rounds: $Rounds, ours then torch in each; every figure is the median of its rounds, and a spread is the largest of " +
    "the rounds' spreads.")
# Interleaved rounds: host copies on these machines vary from minute to minute (torch's own pinned copies spread by
# up to 25% on a one-H100 host), so one run of each side after the other compares two moments, not two tools.
$oursByKey = @{}; $torchByKey = @{}; $allOurs = [System.Collections.Generic.List[object]]::new(); $torchLines = @(); $torchInfo = $null
foreach ($round in 1..$Rounds) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $ours = @($devices | Measure-GpuBandwidth -Iterations $Iterations -ErrorVariable oursErrors -ErrorAction Continue)
    Say ("Round {0}: ours {1} results in {2:0} s; {3} error(s)" -f $round, $ours.Count, $sw.Elapsed.TotalSeconds, $oursErrors.Count)
    foreach ($e in $oursErrors) { Say "  ERROR $($e.FullyQualifiedErrorId): $($e.Exception.Message)" }
    foreach ($o in $ours) {
        $k = "$($o.DeviceIndex)|$($o.PeerIndex)|$($o.Test)"
        if (-not $oursByKey[$k]) { $oursByKey[$k] = [System.Collections.Generic.List[object]]::new() }
        $oursByKey[$k].Add($o); $allOurs.Add($o)
    }

    $sw.Restart()
    $deviceBytes = ($ours | Where-Object Test -EQ 'device_write_sm' | Select-Object -First 1).Bytes
    if (-not $deviceBytes) { $deviceBytes = 1GB }
    $torchScript = Join-Path $PSScriptRoot 'torch_bandwidth.py'
    $lines = & $Python $torchScript --devices ($indexes -join ',') --device-bytes $deviceBytes --host-bytes (512MB) --batches $Iterations
    if ($LASTEXITCODE -ne 0) { throw "torch_bandwidth.py failed with exit code $LASTEXITCODE." }
    $torchLines += $lines
    $torchInfo = $lines[0] | ConvertFrom-Json
    foreach ($line in $lines | Select-Object -Skip 1) {
        $cell = $line |
            ConvertFrom-Json; $k = "$($cell.device)|$($cell.peer)|$($cell.test)"
            if (-not $torchByKey[$k]) { $torchByKey[$k] = [System.Collections.Generic.List[object]]::new() }; $torchByKey[$k].Add($cell)
    }
    Say ("Round {0}: PyTorch {1} (CUDA {2}) in {3:0} s" -f $round, $torchInfo.torch, $torchInfo.cuda, $sw.Elapsed.TotalSeconds)
}

# Our SM copy and our copy-engine copy are both set beside torch's copy_. Torch copies between GPUs with the copy
# engine: its peer copy_ is the same operation as our write_ce and read_ce; our SM-kernel read of the peer is set
# beside it for reference only (a different engine, so no target).
$torchKey = @{ device_local_copy_sm = 'device_local_copy'; device_to_device_memcpy_read_sm = 'device_to_device_memcpy_read_ce' }
$noTarget = @('device_to_device_memcpy_read_sm')
$rows = foreach ($k in $oursByKey.Keys) {
    $runs = $oursByKey[$k]
    $o = Get-MedianRun $runs { $args[0].GBps }
    $key = if ($torchKey.ContainsKey($o.Test)) { $torchKey[$o.Test] } else { $o.Test }
    $t = $torchByKey["$($o.DeviceIndex)|$($o.PeerIndex)|$key"]
    $tGbps = if ($t) { (Get-MedianRun $t { $args[0].gbps }).gbps } else { $null }
    [pscustomobject]@{
        GPU      = if ($null -ne $o.PeerIndex) { '{0}>{1}' -f $o.DeviceIndex, $o.PeerIndex } else { "$($o.DeviceIndex)" }
        Test     = $o.Test
        Ours     = [math]::Round($o.GBps, 1)
        Rounds   = ($runs | ForEach-Object { [math]::Round($_.GBps, 1) }) -join '/'
        Torch    = if ($t) { [math]::Round($tGbps, 1) } else { $null }
        TRounds  = if ($t) { ($t | ForEach-Object { [math]::Round($_.gbps, 1) }) -join '/' } else { '' }
        Ratio    = if ($t) { [math]::Round($o.GBps / $tGbps, 3) } else { $null }
        PctTheo  = $o.PercentOfTheoretical
        Spread   = ($runs | Measure-Object SpreadPercent -Maximum).Maximum
        TSpread  = if ($t) { [math]::Round(($t | Measure-Object spread -Maximum).Maximum, 1) } else { $null }
        TorchOp  = if ($t) { $t[0].torch_op + $(if ($o.Test -in $noTarget) { ' (copy engine; no target)' } else { '' }) } else { '' }
        Target   = $o.Test -notin $noTarget
        Order    = "$($o.DeviceIndex)|$($o.PeerIndex)|" +
            ([array]::IndexOf([string[]]@([DlGpuTools.Bandwidth.BandwidthTests]::Registry.Ids), $o.Test)).ToString('00')
        Traffic  = [math]::Round($o.TrafficGBps, 1)
        Verified = @($runs | Where-Object { -not $_.Verified }).Count -eq 0
        Result   = $o
    }
}
$rows = @($rows | Sort-Object { $_.GPU -like '*>*' }, Order)
$median = @($rows | ForEach-Object Result)
$table = $rows | Format-Table GPU, Test, Ours, Rounds, Torch, TRounds, Ratio, PctTheo, Spread, TSpread,
    TorchOp -AutoSize | Out-String -Width 200
Say $table

Say 'Targets (issue 12):'
foreach ($r in $rows) {
    if ($null -ne $r.Ratio -and $r.Target) {
        Say ('  {0} ratio {1,-44} {2:0.000} (>= 1.0)' -f $(if ($r.Ratio -ge 1.0) { 'PASS' } else { 'FAIL' }),
            "$($r.GPU) $($r.Test)", $r.Ratio)
    }
    elseif ($null -ne $r.Ratio) {
        Say ('  info ratio {0,-44} {1:0.000} (SM kernel against torch''s copy engine)' -f "$($r.GPU) $($r.Test)", $r.Ratio)
    }
    if ($r.Spread -ge 3) { Say ('  FAIL spread {0,-43} {1:0.0}% (< 3%)' -f "$($r.GPU) $($r.Test)", $r.Spread) }
}
foreach ($o in $median | Where-Object Test -EQ 'device_write_sm') {
    Say ('  {0} write GPU {1}: {2}% of {3} GB/s (>= 90%)' -f $(if ($o.PercentOfTheoretical -ge 90) { 'PASS' } else { 'FAIL' }),
        $o.DeviceIndex, $o.PercentOfTheoretical, $o.TheoreticalGBps)
}
foreach ($o in $median | Where-Object Test -In 'device_local_copy', 'device_local_copy_sm') {
    Say ('  {0} copy traffic {1} GPU {2}: {3}% (>= 88%)' -f $(if ($o.PercentOfTheoretical -ge 88) { 'PASS' } else { 'FAIL' }), $o.Test,
        $o.DeviceIndex, $o.PercentOfTheoretical)
}
$kernels = ($median | Where-Object Engine -EQ 'SM kernel' | Select-Object -First 1).Method -replace '.*kernels: ([^;]+);.*', '$1'
Say "Kernels loaded as: $kernels"
$host0 = $median | Where-Object Test -EQ 'host_to_device_memcpy_ce' | Select-Object -First 1
if ($host0) {
    $boundCpus = if ($host0.BoundCpus) { $host0.BoundCpus } else { '(not bound)' }
    Say ("Host link GPU $($host0.DeviceIndex): $($host0.TheoreticalBasis); NUMA affinity $($host0.NumaAffinity) " +
        "(GPU NUMA ID $($host0.NumaNode)); CPUs $($host0.CpuAffinity); measuring thread on CPUs $boundCpus; $($host0.Note)")
}

Say ''
Say 'Get-GpuTopology -AsMatrix:'
Get-GpuTopology -AsMatrix | ForEach-Object { Say $_ }
Say ''
Say 'nvidia-smi topo -m:'
& nvidia-smi topo -m 2>&1 | ForEach-Object { Say "$_" }

if ($OutDirectory) {
    New-Item -ItemType Directory -Path $OutDirectory -Force | Out-Null
    $log | Set-Content (Join-Path $OutDirectory 'bandwidth-vs-torch.txt')
    $allOurs | ConvertTo-Json -Depth 3 | Set-Content (Join-Path $OutDirectory 'bandwidth-ours.json')
    $torchLines | Set-Content (Join-Path $OutDirectory 'bandwidth-torch.jsonl')
    Get-GpuTopology | ConvertTo-Json -Depth 4 | Set-Content (Join-Path $OutDirectory 'topology.json')
}
