<#
.SYNOPSIS
    Measure-GpuBandwidth against PyTorch on the same GPUs in one call, and Get-GpuTopology beside nvidia-smi topo -m.
.DESCRIPTION
    Runs on a machine with NVIDIA GPUs and PyTorch under python3 (bench/torch_bandwidth.py times torch's copy_,
    fill_, sum, add, pinned and pageable copy_ and peer copy_ with CUDA events, median batch). Prints one table:
    our GB/s, torch's, the ratio, our percentage of the theoretical figure, our spread and torch's (TSpread, the
    same statistic over torch's batches, to tell a noisy link from a noisy tool) and the check of the data,
    then the targets of issue 12 as PASS/FAIL lines, then both topology views. Writes everything (and the raw
    objects as JSON) into $env:OUT when set. About 2-4 minutes on two H100s.
    Targets (issue 12): every ratio >= 1.0; device_write_sm >= 90% and copy traffic >= 88% of theoretical on
    H100/H200; spread < 3% on an idle GPU.
#>
param(
    [int[]] $Index,
    [int] $Iterations = 10,
    [string] $Python = 'python3',
    [string] $OutDirectory = $env:OUT
)

$ErrorActionPreference = 'Stop'
Import-Module DlGpuTools
$devices = if ($Index) { Get-CudaDevice -Index $Index } else { Get-CudaDevice }
$indexes = @($devices.Index)
$log = [System.Collections.Generic.List[string]]::new()
function Say([string] $Text) { Write-Host $Text; $log.Add($Text) }

Say "Measure-GpuBandwidth vs PyTorch, $(Get-Date -Format u), GPUs $($indexes -join ', '): $(($devices | ForEach-Object Name | Select-Object -Unique) -join ', '), driver $($devices[0].DriverVersion)"
$sw = [Diagnostics.Stopwatch]::StartNew()
$ours = @($devices | Measure-GpuBandwidth -Iterations $Iterations -ErrorVariable oursErrors -ErrorAction Continue)
Say ("Ours: {0} results in {1:0} s; {2} error(s)" -f $ours.Count, $sw.Elapsed.TotalSeconds, $oursErrors.Count)
foreach ($e in $oursErrors) { Say "  ERROR $($e.FullyQualifiedErrorId): $($e.Exception.Message)" }

$sw.Restart()
$deviceBytes = ($ours | Where-Object Test -EQ 'device_write_sm' | Select-Object -First 1).Bytes
if (-not $deviceBytes) { $deviceBytes = 1GB }
$torchLines = & $Python (Join-Path $PSScriptRoot 'torch_bandwidth.py') --devices ($indexes -join ',') --device-bytes $deviceBytes --host-bytes (512MB) --batches $Iterations
if ($LASTEXITCODE -ne 0) { throw "torch_bandwidth.py failed with exit code $LASTEXITCODE." }
$torchInfo = $torchLines[0] | ConvertFrom-Json
$torch = @{}
foreach ($line in $torchLines | Select-Object -Skip 1) { $cell = $line | ConvertFrom-Json; $torch["$($cell.device)|$($cell.peer)|$($cell.test)"] = $cell }
Say ("PyTorch {0} (CUDA {1}): {2} results in {3:0} s" -f $torchInfo.torch, $torchInfo.cuda, $torch.Count, $sw.Elapsed.TotalSeconds)

# Our SM copy and our copy-engine copy are both compared with torch's copy_ (torch copies with the copy engine;
# a peer copy_ into this GPU is our read_ce, and our SM-kernel read of the peer is set beside the same figure).
$torchKey = @{ device_local_copy_sm = 'device_local_copy'; device_to_device_memcpy_read_sm = 'device_to_device_memcpy_read_ce' }
$rows = foreach ($o in $ours) {
    $key = if ($torchKey.ContainsKey($o.Test)) { $torchKey[$o.Test] } else { $o.Test }
    $p = $torch["$($o.DeviceIndex)|$($o.PeerIndex)|$key"]
    [pscustomobject]@{
        GPU      = if ($null -ne $o.PeerIndex) { '{0}>{1}' -f $o.DeviceIndex, $o.PeerIndex } else { "$($o.DeviceIndex)" }
        Test     = $o.Test
        Ours     = [math]::Round($o.GBps, 1)
        Traffic  = [math]::Round($o.TrafficGBps, 1)
        Torch    = if ($p) { [math]::Round($p.gbps, 1) } else { $null }
        Ratio    = if ($p) { [math]::Round($o.GBps / $p.gbps, 3) } else { $null }
        PctTheo  = $o.PercentOfTheoretical
        Spread   = $o.SpreadPercent
        TSpread  = if ($p) { [math]::Round($p.spread, 1) } else { $null }
        TorchOp  = if ($p) { $p.torch_op } else { '' }
        Verified = $o.Verified
    }
}
$table = $rows | Format-Table -AutoSize | Out-String -Width 160
Say $table

Say 'Targets (issue 12):'
foreach ($r in $rows) {
    if ($null -ne $r.Ratio) { Say ('  {0} ratio {1,-44} {2:0.000} (>= 1.0)' -f $(if ($r.Ratio -ge 1.0) { 'PASS' } else { 'FAIL' }), "$($r.GPU) $($r.Test)", $r.Ratio) }
    if ($r.Spread -ge 3) { Say ('  FAIL spread {0,-43} {1:0.0}% (< 3%)' -f "$($r.GPU) $($r.Test)", $r.Spread) }
}
foreach ($o in $ours | Where-Object Test -EQ 'device_write_sm') { Say ('  {0} write GPU {1}: {2}% of {3} GB/s (>= 90%)' -f $(if ($o.PercentOfTheoretical -ge 90) { 'PASS' } else { 'FAIL' }), $o.DeviceIndex, $o.PercentOfTheoretical, $o.TheoreticalGBps) }
foreach ($o in $ours | Where-Object Test -In 'device_local_copy', 'device_local_copy_sm') { Say ('  {0} copy traffic {1} GPU {2}: {3}% (>= 88%)' -f $(if ($o.PercentOfTheoretical -ge 88) { 'PASS' } else { 'FAIL' }), $o.Test, $o.DeviceIndex, $o.PercentOfTheoretical) }
$kernels = ($ours | Where-Object Engine -EQ 'SM kernel' | Select-Object -First 1).Method -replace '.*kernels: ([^;]+);.*', '$1'
Say "Kernels loaded as: $kernels"
$host0 = $ours | Where-Object Test -EQ 'host_to_device_memcpy_ce' | Select-Object -First 1
if ($host0) { Say "Host link GPU $($host0.DeviceIndex): $($host0.TheoreticalBasis); NUMA affinity $($host0.NumaAffinity) (GPU NUMA ID $($host0.NumaNode)); CPUs $($host0.CpuAffinity); $($host0.Note)" }

Say ''
Say 'Get-GpuTopology -AsMatrix:'
Get-GpuTopology -AsMatrix | ForEach-Object { Say $_ }
Say ''
Say 'nvidia-smi topo -m:'
& nvidia-smi topo -m 2>&1 | ForEach-Object { Say "$_" }

if ($OutDirectory) {
    New-Item -ItemType Directory -Path $OutDirectory -Force | Out-Null
    $log | Set-Content (Join-Path $OutDirectory 'bandwidth-vs-torch.txt')
    $ours | ConvertTo-Json -Depth 3 | Set-Content (Join-Path $OutDirectory 'bandwidth-ours.json')
    $torchLines | Set-Content (Join-Path $OutDirectory 'bandwidth-torch.jsonl')
    Get-GpuTopology | ConvertTo-Json -Depth 4 | Set-Content (Join-Path $OutDirectory 'topology.json')
}
