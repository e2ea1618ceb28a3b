<#
.SYNOPSIS
    Measure-GpuCollective beside torch.distributed (NCCL backend) and, when given its source, nccl-tests, on the same GPUs.
.DESCRIPTION
    Runs AllReduce, AllGather and ReduceScatter (FP32, out of place) from -MinBytes to -MaxBytes: ours (one process
    driving every GPU), bench/torch_collective.py (one process per GPU, torch.multiprocessing spawn, timed the same
    way), and, with -NcclTestsSource (a checkout of NVIDIA/nccl-tests, not part of this repository), its
    all_reduce_perf, all_gather_perf and reduce_scatter_perf built here with make (-b -e -f 2 -g <GPUs> -n 20 -w 5;
    their out-of-place busbw). Prints bus bandwidth per size for each, then for every size of 64 MiB and more our
    figure over the best of the others, and PASS/FAIL against the target of issue 24 (>= 0.95), and whether every
    one of our sizes was verified. Writes the text and our raw results as JSON into -OutDirectory ($env:OUT) when set.
    Our NCCL is the one the module finds (DLGPUTOOLS_NCCL_PATH to choose); torch uses its own; nccl-tests links
    -NcclHome's. The versions are printed.
#>
param(
    [long] $MinBytes = 8,
    [long] $MaxBytes = 1GB,
    [string[]] $Operation = @('AllReduce', 'AllGather', 'ReduceScatter'),
    [string] $Python = 'python3',
    [string] $NcclTestsSource,
    [string] $NcclHome,
    [string] $CudaHome = '/usr/local/cuda',
    [string] $OutDirectory = $env:OUT
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module DlGpuTools
$log = [System.Collections.Generic.List[string]]::new()
function Say([string] $Text) { Write-Host $Text; $log.Add($Text) }
$gpus = @(Get-CudaDevice)
$gpuNames = ($gpus.Name | Select-Object -Unique) -join ', '
Say "Measure-GpuCollective vs torch.distributed vs nccl-tests, $(Get-Date -Format u), $($gpus.Count) GPUs: $gpuNames"

$ours = @(Measure-GpuCollective -Operation $Operation -MinBytes $MinBytes -MaxBytes $MaxBytes)
Say "Ours: NCCL $($ours[0].NcclVersion) at $($ours[0].NcclPath)"
foreach ($r in $ours) { Say "  $($r.Operation): $($r.Status). $($r.Verdict)" }

$torch = @{}
$lines = & $Python (Join-Path $PSScriptRoot 'torch_collective.py') --ops ($Operation -join ',') --min-bytes $MinBytes --max-bytes $MaxBytes
if ($LASTEXITCODE -ne 0) { throw "torch_collective.py failed with exit code $LASTEXITCODE." }
$facts = $lines[0] | ConvertFrom-Json
Say "torch $($facts.torch) (CUDA $($facts.cuda), NCCL $($facts.nccl)), $($facts.world) processes"
foreach ($line in $lines | Select-Object -Skip 1) { $c = $line | ConvertFrom-Json; $torch["$($c.op)|$($c.bytes)"] = $c.busbw }

$nccl = @{}
if ($NcclTestsSource) {
    if (-not $NcclHome) {
        $NcclHome = if (Test-Path /usr/include/nccl.h) { '/usr' } else {
            throw 'Give -NcclHome: a folder with include/nccl.h and lib/libnccl.so (no /usr/include/nccl.h here).'
        }
    }
    & make -C $NcclTestsSource -j 8 MPI=0 "CUDA_HOME=$CudaHome" "NCCL_HOME=$NcclHome" | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "make in $NcclTestsSource failed with exit code $LASTEXITCODE." }
    $binaries = @{ AllReduce = 'all_reduce_perf'; AllGather = 'all_gather_perf'; ReduceScatter = 'reduce_scatter_perf' }
    foreach ($op in $Operation) {
        $exe = Join-Path $NcclTestsSource "build/$($binaries[$op])"
        $env:LD_LIBRARY_PATH = "$NcclHome/lib:$env:LD_LIBRARY_PATH"
        $out = & $exe -b $MinBytes -e $MaxBytes -f 2 -g $gpus.Count -n 20 -w 5
        Say "nccl-tests $($binaries[$op]): $(($out | Where-Object { $_ -match 'NCCL version|nccl-tests version' }) -join ' ')"
        foreach ($row in $out) {
            # size count type redop root time algbw busbw #wrong (out of place), then the same in place.
            $f = -split $row
            if ($f.Count -ge 9 -and $f[0] -match '^\d+$') { $nccl["$op|$($f[0])"] = [double]$f[7] }
        }
    }
}

Say ''
Say ('{0,-13} {1,10} {2,9} {3,9} {4,9} {5,7}' -f 'Operation', 'Size', 'Ours', 'torch', 'nccl-t', 'Ratio')
$fail = $false
foreach ($r in $ours) {
    foreach ($s in $r.Sizes) {
        $key = "$($r.Operation)|$($s.Bytes)"
        $others = @($torch[$key], $nccl[$key]) | Where-Object { $null -ne $_ }
        $best = ($others | Measure-Object -Maximum).Maximum
        $ratio = if ($best) { $s.BusGBps / $best } else { $null }
        $mark = ''
        if ($s.Bytes -ge 64MB -and $null -ne $ratio) { if ($ratio -ge 0.95) { $mark = 'PASS' } else { $mark = 'FAIL'; $fail = $true } }
        Say ('{0,-13} {1,10} {2,9:0.00} {3,9} {4,9} {5,7} {6}' -f $r.Operation, $s.Bytes, $s.BusGBps,
            $(if ($null -ne $torch[$key]) { '{0:0.00}' -f $torch[$key] }), $(if ($null -ne $nccl[$key]) { '{0:0.00}' -f $nccl[$key] }),
                $(if ($null -ne $ratio) { '{0:0.000}' -f $ratio }), $mark)
    }
}
$unverified = @($ours | ForEach-Object Sizes | Where-Object { $_.WrongElements -ne 0 -or $_.CheckedElements -eq 0 })
Say ''
Say ("Target (issue 24): busbw >= 0.95 x the best of the others at 64 MiB and above: {0}" -f $(if ($fail) { 'FAIL' } else { 'PASS' }))
Say ("Every size verified: {0}" -f $(if ($unverified.Count -eq 0) { 'PASS' } else { "FAIL ($($unverified.Count) sizes)" }))
if ($OutDirectory) {
    New-Item -ItemType Directory -Path $OutDirectory -Force | Out-Null
    $log | Set-Content (Join-Path $OutDirectory 'collective-vs-torch.txt')
    $ours | ConvertTo-Json -Depth 6 | Set-Content (Join-Path $OutDirectory 'collective-ours.json')
}
