<#
.SYNOPSIS
    How the managed GEMM fallback scales with threads (issue 11: at least 25% of the FP32 peak on AVX2/AVX-512).
.DESCRIPTION
    From the bundle on a GPU machine: ./dlgpu -File bench/Measure-ManagedGemmScaling.ps1   (about 2 minutes on a
    16-core Xeon). Every BLAS is hidden (DLGPUTOOLS_BLAS_PATH=/nonexistent/blas) so Measure-CpuMatMul runs the managed
    kernel. FP32 at each -Size for each -Threads count with the planned blocks, then at the largest thread count with
    each -Blocks override (DLGPUTOOLS_MANAGED_GEMM_BLOCKS), to show whether another block size would do better there.
    Each figure is Measure-CpuMatMul's headline: the median of timed batches after an untimed call, with C checked
    against a double reference (RelativeError). Prints a table (TFLOPS, % of the FP32 peak, speed-up over one thread)
    and writes it and the raw results (JSON) into $env:OUT when it is set.
#>
param(
    [int[]] $Size = @(2048, 4096),
    [int[]] $Threads = @(1, 4, 8, 16),
    [string[]] $Blocks = @('128x192', '256x192', '256x384', '512x384'),
    [int] $Iterations = 3
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
if (-not (Get-Command Measure-CpuMatMul -ErrorAction SilentlyContinue)) { Import-Module DlGpuTools }
$savedBlas = $env:DLGPUTOOLS_BLAS_PATH
$savedBlocks = $env:DLGPUTOOLS_MANAGED_GEMM_BLOCKS
$rows = [System.Collections.Generic.List[object]]::new()
function Measure-One([int] $n, [int] $t, [string] $blocks) {
    if ($blocks) { $env:DLGPUTOOLS_MANAGED_GEMM_BLOCKS = $blocks } else {
        Remove-Item Env:DLGPUTOOLS_MANAGED_GEMM_BLOCKS -ErrorAction SilentlyContinue
    }
    $r = Measure-CpuMatMul -DataType FP32 -Size $n -ThreadCount $t -Iterations $Iterations -WarningAction SilentlyContinue
    [pscustomobject]@{
        Size = $n; Threads = $r.Threads; Blocks = if ($blocks) { $blocks } else { 'planned' }
        Tflops = [math]::Round($r.Tflops, 4)
        PeakPct = if ($null -ne $r.PercentOfPeak) { [math]::Round($r.PercentOfPeak, 1) } else { $null }
        RelativeError = $r.RelativeError; Tolerance = $r.Tolerance; Result = $r
    }
}

try {
    $env:DLGPUTOOLS_BLAS_PATH = '/nonexistent/blas'
    foreach ($n in $Size) { foreach ($t in $Threads) { $rows.Add((Measure-One $n $t $null)) } }
    $most = ($Threads | Measure-Object -Maximum).Maximum
    foreach ($n in $Size) { foreach ($b in $Blocks) { $rows.Add((Measure-One $n $most $b)) } }
}
finally {
    $env:DLGPUTOOLS_BLAS_PATH = $savedBlas
    $env:DLGPUTOOLS_MANAGED_GEMM_BLOCKS = $savedBlocks
}

$table = foreach ($row in $rows) {
    $one = $rows | Where-Object { $_.Size -eq $row.Size -and $_.Threads -eq 1 -and $_.Blocks -eq 'planned' } | Select-Object -First 1
    [pscustomobject]@{
        Size = $row.Size; Threads = $row.Threads; Blocks = $row.Blocks
        TFLOPS = $row.Tflops.ToString('N3', [cultureinfo]::InvariantCulture); 'Peak%' = $row.PeakPct
        'xOneThread' = if ($one -and $one.Tflops -gt 0) { [math]::Round($row.Tflops / $one.Tflops, 2) } else { $null }
        Verified = $row.RelativeError -le $row.Tolerance
    }
}
$text = ($table | Format-Table -AutoSize | Out-String -Width 80).TrimEnd()
$first = $rows[0].Result
$text = "Managed FP32 GEMM scaling; $($first.LibraryConfig); peak basis: $($first.PeakBasis)`n" +
    "Each figure: Measure-CpuMatMul's median of timed batches after an untimed call; target >= 25% of the peak.`n" + $text
Write-Host $text
if ($env:OUT) {
    New-Item -ItemType Directory -Force $env:OUT | Out-Null
    Set-Content -Path (Join-Path $env:OUT 'managed-gemm-scaling.txt') -Value $text
    $rows | Select-Object Size, Threads, Blocks, Tflops, PeakPct, RelativeError,
        Tolerance | ConvertTo-Json | Set-Content (Join-Path $env:OUT 'managed-gemm-scaling.json')
}
