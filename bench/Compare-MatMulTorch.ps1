<#
.SYNOPSIS
    Measure-GpuMatMul against torch.matmul on the same GPU, same types and sizes, in one call: a table of both and their ratio.
.DESCRIPTION
    Runs on a machine with an NVIDIA GPU and PyTorch under python3. Both sides follow the same method
    (bench/torch_matmul.py says how). Writes a markdown report with the card, driver and date.
    The target (issue 4): median of the ratio over FP32, TF32, FP16, BF16 and FP64 at 2048, 4096 and 8192 at
    least 1.00, no cell below 0.95, BF16 at 8192 at least 75% of the dense datasheet peak.
#>
param(
    [string[]] $DataType = @('FP32', 'TF32', 'FP16', 'BF16', 'FP64'),
    [int[]] $Size = @(1024, 2048, 4096, 8192, 16384),
    [int] $Index = 0,
    [int] $Iterations = 20,
    [string] $Python = 'python3',
    [string] $OutFile
)

$ErrorActionPreference = 'Stop'
Import-Module DlGpuTools
$device = Get-CudaDevice -Index $Index
$started = Get-Date

# Ours first, then PyTorch, each over every cell; then ours again, so a drift in clocks shows as a spread.
$ours = @{}
foreach ($t in $DataType) {
    foreach ($s in $Size) {
        $r = Measure-GpuMatMul -Index $Index -DataType $t -Size $s -Iterations $Iterations
        $ours["$t|$s"] = $r
    }
}

$torchLines = & $Python (Join-Path $PSScriptRoot 'torch_matmul.py') --types ($DataType -join ',') --sizes ($Size -join ',') --iterations $Iterations --device $Index
if ($LASTEXITCODE -ne 0) { throw "torch_matmul.py failed with exit code $LASTEXITCODE." }
$torchInfo = $torchLines[0] | ConvertFrom-Json
$torch = @{}
foreach ($line in $torchLines | Select-Object -Skip 1) { $cell = $line | ConvertFrom-Json; $torch["$($cell.type)|$($cell.size)"] = $cell }

$again = @{}
foreach ($t in $DataType) {
    foreach ($s in @(2048, 4096, 8192) | Where-Object { $Size -contains $_ }) {
        $again["$t|$s"] = Measure-GpuMatMul -Index $Index -DataType $t -Size $s -Iterations $Iterations
    }
}

$rows = foreach ($t in $DataType) {
    foreach ($s in $Size) {
        $o = $ours["$t|$s"]; $p = $torch["$t|$s"]; $o2 = $again["$t|$s"]
        [pscustomobject]@{
            DataType       = $t
            Size           = $s
            OursTflops     = [math]::Round($o.Tflops, 1)
            OursRepeat     = if ($o2) { [math]::Round($o2.Tflops, 1) } else { $null }
            TorchTflops    = [math]::Round($p.tflops, 1)
            Ratio          = [math]::Round($o.Tflops / $p.tflops, 3)
            PercentOfPeak  = $o.PercentOfPeak
            BurstTflops    = [math]::Round($o.BurstTflops, 1)
            BurstPercent   = $o.BurstPercentOfPeak
            RelativeError  = '{0:0.0E+0}' -f $o.RelativeError
            Algorithm      = $o.Algorithm
        }
    }
}

$target = @($rows | Where-Object { $_.Size -in 2048, 4096, 8192 })
$ratios = @($target | ForEach-Object Ratio | Sort-Object)
$median = if ($ratios.Count % 2) { $ratios[[int][math]::Floor($ratios.Count / 2)] } else { ($ratios[$ratios.Count / 2 - 1] + $ratios[$ratios.Count / 2]) / 2 }
$bf16 = $rows | Where-Object { $_.DataType -eq 'BF16' -and $_.Size -eq 8192 }

$table = $rows | Format-Table DataType, Size, OursTflops, OursRepeat, TorchTflops, Ratio, PercentOfPeak, BurstTflops, BurstPercent, RelativeError, Algorithm -AutoSize | Out-String -Width 250
$summary = @"
Card: $($device.Name) ($($device.Uuid)), driver $($device.DriverVersion), CUDA (driver max) $($device.CudaDriverVersion)
Library: $($ours.Values | Select-Object -First 1 -ExpandProperty Library) at $($ours.Values | Select-Object -First 1 -ExpandProperty LibraryPath)
PyTorch: $($torchInfo.torch) (CUDA $($torchInfo.cuda))
Date: $($started.ToUniversalTime().ToString('yyyy-MM-dd HH:mm')) UTC; iterations $Iterations batches of ~20 ms each side
Median ratio (Measure-GpuMatMul / torch.matmul) over $($DataType -join ', ') at 2048, 4096, 8192: $median (target >= 1.00)
Lowest cell: $($ratios[0]) (target >= 0.95)
BF16 8192: sustained $($bf16.OursTflops) TFLOPS = $($bf16.PercentOfPeak)% of the dense datasheet peak; burst (after an idle pause) $($bf16.BurstTflops) TFLOPS = $($bf16.BurstPercent)% (target >= 75%)
"@
$report = "# Measure-GpuMatMul against torch.matmul`n`n" + '```text' + "`n" + $summary + "`n" + $table.TrimEnd() + "`n" + '```' + "`n"
if ($OutFile) { Set-Content -Path $OutFile -Value $report }
$report
