<#
.SYNOPSIS
    Issue 11's targets in one run: Measure-CpuMatMul against numpy and torch.matmul on the CPU at the same thread
    count, the managed fallback with every BLAS hidden, and Measure-GpuSpeedup's table where there is a GPU.
.DESCRIPTION
    From the bundle on a GPU machine: ./dlgpu -File bench/Compare-CpuMatMul.ps1   (about 3 minutes on a 16-core Xeon
    with an H100). On the 2-core development machine (Debian 12), first install OpenBLAS and numpy as the comparison
    expects, then run from the worktree after build.ps1 -Task Build:
        sudo apt-get install -y libopenblas0-pthread python3-numpy
        dotnet pwsh -NoProfile -c 'Import-Module ./out/DlGpuTools/DlGpuTools.psd1; ./bench/Compare-CpuMatMul.ps1 -Python /usr/bin/python3'
    (the PATH python3 there is a pyenv one without numpy; the script also tries /usr/bin/python3 itself).
      1. FP32 at each -Size: -Rounds rounds (default 5) of ours, numpy's a @ b and torch.matmul on the CPU, in turn,
         all on the same thread count (the physical cores); each side's figure is the median of its rounds (so a
         busy moment or a clock drift hits all three alike and no side gets more tries than the others); targets:
         ours >= 0.95x numpy and >= 0.9x torch.
      2. BF16 at each -Size: ours (where the BLAS has a BF16 GEMM) against torch's CPU BF16; target >= 0.8x.
      3. FP64 at the first size: ours against numpy (no target; shown).
      4. The managed kernel with DLGPUTOOLS_BLAS_PATH pointing nowhere, at each -FallbackSize, in a fresh child
         process (as on a machine without a BLAS, with no BLAS threads loaded): its % of the FP32 peak (target >= 25%
         on AVX2/AVX-512 CPUs).
      5. Measure-GpuSpeedup FP32/TF32/FP16/BF16 at each -Size and the MLP shape, when a GPU is there.
    Each side is measured the same way: one untimed call, then the median of timed batches of back-to-back calls
    (wall clock, about 200 ms a batch); bench/cpu_matmul.py says how for numpy and torch. Writes the report
    (markdown) and the raw results (JSON) into $env:OUT when it is set, and to -OutFile.
#>
param(
    [int[]] $Size = @(4096, 8192),
    [int[]] $FallbackSize = @(2048, 4096),
    [int] $Iterations = 3,
    [int] $Rounds = 5,
    [string] $Python,
    [switch] $NoGpu,
    [string] $OutFile
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
if (-not (Get-Command Measure-CpuMatMul -ErrorAction SilentlyContinue)) { Import-Module DlGpuTools }
$helper = Join-Path $PSScriptRoot 'cpu_matmul.py'
$report = [System.Collections.Generic.List[string]]::new()
$raw = [ordered]@{}
function Say([string] $line) { $report.Add($line); Write-Host $line }

# A python that imports the module asked for: -Python, python3 on PATH, then the system's.
function Find-Python([string] $module) {
    $candidates = @($Python, (Get-Command python3 -ErrorAction SilentlyContinue).Source, '/usr/bin/python3', '/usr/local/bin/python3') |
        Where-Object { $_ } | Select-Object -Unique
    foreach ($p in $candidates) {
        if (-not (Test-Path $p)) { continue }
        & $p -c "import $module" 2>$null
        if ($LASTEXITCODE -eq 0) { return $p }
    }
    return $null
}

function Invoke-PythonGemm([string] $python, [string] $lib, [string] $type, [long] $m, [long] $n, [long] $k, [int] $threads) {
    if (-not $python) { return $null }
    $saved = @{}
    foreach ($v in 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS') {
        $saved[$v] = [Environment]::GetEnvironmentVariable($v); [Environment]::SetEnvironmentVariable($v, "$threads")
    }
    try { $json = & $python $helper $lib $type $m $n $k $threads $Iterations 2>&1 | Select-Object -Last 1 }
    finally { foreach ($v in $saved.Keys) { [Environment]::SetEnvironmentVariable($v, $saved[$v]) } }
    try { $json | ConvertFrom-Json } catch { [pscustomobject]@{ error = "$json" } }
}

# The run with the median figure of a side's rounds (the lower middle one of an even count).
. (Join-Path $PSScriptRoot 'BenchStatistics.ps1')
function Ratio($ours, $theirs) { if ($ours -and $theirs -and $theirs.tflops -gt 0) { $ours / $theirs.tflops } }
function Verdict($ratio, [double] $target) { if ($null -eq $ratio) { 'n/a' } elseif ($ratio -ge $target) { 'PASS' } else { 'FAIL' } }
function Fmt($x, [string] $f = '0.000') { if ($null -eq $x) { '-' } else { $x.ToString($f, [cultureinfo]::InvariantCulture) } }

$numpyPython = Find-Python 'numpy'
$torchPython = Find-Python 'torch'
$probe = Measure-CpuMatMul -Size 256 -Iterations 1 -WarningAction SilentlyContinue
$threads = $probe.Threads
Say "# CPU GEMM comparison ($(Get-Date -AsUTC -Format 'yyyy-MM-dd HH:mm') UTC)"
Say ''
Say "CPU: $($probe.DeviceName); threads: $threads ($($probe.ThreadControl))"
Say "BLAS: $($probe.Library) at $($probe.LibraryPath); config: $($probe.LibraryConfig)"
Say "FP32 peak: $(Fmt $probe.PeakTflops) TFLOPS; $($probe.PeakBasis)"
Say "numpy: $(if ($numpyPython) { $numpyPython } else { 'no python3 with numpy found (Debian: sudo apt-get install python3-numpy)' })"
Say "torch: $(if ($torchPython) { $torchPython } else { 'no python3 with torch found' })"
Say ''
Say "Each figure: the median of $Rounds interleaved rounds (ours, numpy, torch in turn); the rounds are in brackets."
Say ('| Type | Size | Ours TFLOPS [rounds] | % peak | numpy [rounds] | torch [rounds] | ours/numpy (>=0.95) | ' +
    'ours/torch (>=0.9; BF16 >=0.8) |')
Say '|---|---|---|---|---|---|---|---|'
$rows = @()
foreach ($type in 'FP32', 'BF16', 'FP64') {
    $sizes = if ($type -eq 'FP64') { @($Size[0]) } else { $Size }
    foreach ($s in $sizes) {
        $oursRuns = @(); $npRuns = @(); $tcRuns = @(); $err = $null
        foreach ($round in 1..$Rounds) {
            $quiet = @{ ErrorAction = 'SilentlyContinue'; ErrorVariable = '+err'; WarningAction = 'SilentlyContinue' }
            $o = Measure-CpuMatMul -DataType $type -Size $s -Iterations $Iterations @quiet
            if ($o) { $oursRuns += $o }
            if ($type -ne 'BF16') {
                $r = Invoke-PythonGemm $numpyPython numpy $type.ToLowerInvariant() $s $s $s $threads; if ($r) { $npRuns += $r }
            }
            if ($type -ne 'FP64') {
                $r = Invoke-PythonGemm $torchPython torch $type.ToLowerInvariant() $s $s $s $threads; if ($r) { $tcRuns += $r }
            }
        }
        $ours = Get-MedianRun $oursRuns { $args[0].Tflops }
        $np = Get-MedianRun $npRuns { $args[0].tflops }
        $tc = Get-MedianRun $tcRuns { $args[0].tflops }
        $rn = Ratio $ours.Tflops $np
        $rt = Ratio $ours.Tflops $tc
        $torchTarget = if ($type -eq 'BF16') { 0.8 } else { 0.9 }
        $oursText = if ($ours) { '{0} [{1}]' -f (Fmt $ours.Tflops), (($oursRuns | ForEach-Object { Fmt $_.Tflops }) -join ', ') } else {
            "error: $($err[0].FullyQualifiedErrorId)"
        }
        $npText = if ($np) { '{0} [{1}]' -f (Fmt $np.tflops), (($npRuns | ForEach-Object { Fmt $_.tflops }) -join ', ') } else { '-' }
        $tcText = if ($tc) { '{0} [{1}]' -f (Fmt $tc.tflops), (($tcRuns | ForEach-Object { Fmt $_.tflops }) -join ', ') } else { '-' }
        Say ("| {0} | {1} | {2} | {3} | {4} | {5} | {6} {7} | {8} {9} |" -f $type, $s, $oursText,
            (Fmt $ours.PercentOfPeak '0'), $npText, $tcText,
            (Fmt $rn '0.00'), $(if ($type -eq 'FP32') { Verdict $rn 0.95 } else { '' }), (Fmt $rt '0.00'),
                $(if ($type -ne 'FP64') { Verdict $rt $torchTarget } else { '' }))
        $rows += [pscustomobject]@{
            Type = $type; Size = $s; Ours = $ours; OursRounds = $oursRuns; Numpy = $np; NumpyRounds = $npRuns
            Torch = $tc; TorchRounds = $tcRuns
        }
    }
}
$raw.Comparison = $rows

Say ''
# In a child process: a machine without a BLAS has no BLAS threads either, and this process has MKL's (or
# OpenBLAS's) loaded from the comparison above. On the 32-core box the managed kernel ran at 8% of the peak at 2048
# here and at 21% in a fresh process (bench/results/managed-gemm-2xh100-2026-11-27.txt).
$self = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
$entry = @()
if ((Split-Path $self -Leaf) -match '^dotnet(\.exe)?$') { $entry = @([System.Reflection.Assembly]::GetEntryAssembly().Location) }
$module = (Get-Module DlGpuTools).Path -replace '\.dll$', '.psd1'
if (-not (Test-Path $module)) { $module = 'DlGpuTools' }
$child = "Import-Module '$module'; `$env:DLGPUTOOLS_BLAS_PATH = '/nonexistent/blas'; " +
    "`$ProgressPreference = 'SilentlyContinue'; foreach (`$size in $($FallbackSize -join ',')) { " +
    "Measure-CpuMatMul -Size `$size -Iterations $Iterations -WarningAction SilentlyContinue | ConvertTo-Json -Depth 3 -Compress }"
$managedRuns = @(& $self @entry -NoProfile -NonInteractive -Command $child | ForEach-Object { $_ | ConvertFrom-Json })
$fallbackWarning = ($managedRuns | Select-Object -Last 1).Warning
$raw.ManagedFallback = $managedRuns
foreach ($managed in $managedRuns) {
    $fallbackFormat = 'Managed fallback (DLGPUTOOLS_BLAS_PATH=/nonexistent/blas), FP32 {0}: {1} TFLOPS, {2}% of the FP32 peak ' +
        '(target >= 25%: {3}); {4}'
    Say ($fallbackFormat -f $managed.M,
        (Fmt $managed.Tflops), (Fmt $managed.PercentOfPeak '0.0'),
        $(if ($null -eq $managed.PercentOfPeak) { 'n/a' } elseif ($managed.PercentOfPeak -ge 25) { 'PASS' } else { 'FAIL' }),
            $managed.LibraryConfig)
}
Say "Its warning: $fallbackWarning"

if (-not $NoGpu) {
    Say ''
    $gpu = Get-CudaDevice -Index 0 -ErrorAction SilentlyContinue
    if (-not $gpu) {
        Say 'No GPU here: Measure-GpuSpeedup would give the CPU rows and the driver error (skipped).'
    } else {
        $speed = @(Measure-GpuSpeedup -Size $Size -Iterations $Iterations -InformationVariable summary -WarningAction SilentlyContinue)
        $raw.Speedup = $speed
        Say "## Measure-GpuSpeedup on $($gpu.Name)"
        Say ''
        Say '| M x N x K | GPU | CPU | CPU TFLOPS | GPU TFLOPS | Speed-up | Pairing |'
        Say '|---|---|---|---|---|---|---|'
        foreach ($x in $speed) {
            Say ("| {0}x{1}x{2} | {3} | {4} | {5} | {6} | {7}x | {8} |" -f $x.M, $x.N, $x.K, $x.GpuDataType, $x.CpuDataType,
                (Fmt $x.CpuTflops), (Fmt $x.GpuTflops '0.0'), (Fmt $x.Speedup '0.0'), $x.Pairing)
        }
        Say ''
        Say "Summary: $($summary.MessageData)"
    }
}

$text = $report -join [Environment]::NewLine
$json = $raw | ConvertTo-Json -Depth 5
if ($env:OUT) {
    New-Item -ItemType Directory -Force $env:OUT | Out-Null
    Set-Content -Path (Join-Path $env:OUT 'cpu-matmul-report.md') -Value $text
    Set-Content -Path (Join-Path $env:OUT 'cpu-matmul-results.json') -Value $json
}
if ($OutFile) { Set-Content -Path $OutFile -Value $text }
