<#
.SYNOPSIS
    On a GPU machine: every command's default view at 80 columns from real output, and how long
    Get-GpuReport takes (its target is under 3 s). What a new user sees first.
.EXAMPLE
    ./dlgpu -File bench/Show-GpuViews.ps1
#>
param([int] $Width = 80, [int] $MatMulSize = 4096)

$ErrorActionPreference = 'Continue'
Set-StrictMode -Version 3.0
Import-Module DlGpuTools

function Show([string] $Command, [scriptblock] $Produce, [switch] $List) {
    "PS> $Command"
    $objects = @(& $Produce)
    $text = if ($List) { $objects | Format-List | Out-String -Width $Width } else { $objects | Out-String -Width $Width }
    $widest = ($text -split "`r?`n" | Measure-Object -Property Length -Maximum).Maximum
    $text.TrimEnd()
    "  (widest line: $widest columns)"
    ''
}

$device = Get-CudaDevice -Index 0
Show 'Get-CudaDevice' { Get-CudaDevice }
Show 'Get-CudaDevice -Index 0 | Format-List' { Get-CudaDevice -Index 0 } -List
Show 'Test-CuDnnInstall' { Test-CuDnnInstall -ErrorAction SilentlyContinue }
Show "Get-CudaDevice | Measure-GpuMatMul -DataType FP32, BF16 -Size $MatMulSize -Iterations 5" {
    $device | Measure-GpuMatMul -DataType FP32, BF16 -Size $MatMulSize -Iterations 5
}
Show 'Get-CudaDevice | Get-GpuSpec' { $device | Get-GpuSpec }
Show 'Get-CudaDevice | Get-GpuRecommendation -Workload LLMFineTune -Budget 3000' {
    $device | Get-GpuRecommendation -Workload LLMFineTune -Budget 3000
}
Show 'Get-CudaDevice | Measure-GpuBandwidth -Test device_write_sm, host_to_device_memcpy_ce' {
    $device | Measure-GpuBandwidth -Test device_write_sm, host_to_device_memcpy_ce
}
Show 'Get-GpuTopology' { Get-GpuTopology }
Show 'Get-GpuSample' { Get-GpuSample }
Show 'Get-GpuProcess' { Get-GpuProcess }

# Get-GpuReport: the first call in a fresh process is what a user pays; then a warm one.
$cold = Measure-Command { $script:report = Get-GpuReport }
$warm = Measure-Command { $null = Get-GpuReport }
Show 'Get-GpuReport | Format-List' { $report } -List
'PS> Get-GpuReport -AsMarkdown'
Get-GpuReport -AsMarkdown
''
('Get-GpuReport took {0:N0} ms in this process the first time (libraries loaded then), {1:N0} ms the second time; ' +
    'the report says {2:N0} ms.') -f
    $cold.TotalMilliseconds, $warm.TotalMilliseconds, $report.DurationMs
