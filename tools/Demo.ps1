<#
.SYNOPSIS
    The main job, shown: what DlGpuTools says about this machine's GPUs.
.DESCRIPTION
    On a machine with an NVIDIA GPU it lists the devices and every fact about the first one. On a
    machine without one it shows the error a user gets (with the places searched and the remedy),
    then the same commands against the test suite's fake driver, labelled as such, so the output
    format can be seen anywhere.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleRoot,
    [string] $FakesPath,
    # Set by build.ps1 when its own output goes to a file or a pipe: this process always writes to a pipe (its
    # parent's), so it cannot tell a terminal from a file itself.
    [switch] $PlainText
)

$ErrorActionPreference = 'Continue'
Set-StrictMode -Version 3.0
# Colours are ANSI escapes; in a log file they are noise.
if ($PlainText) { $PSStyle.OutputRendering = 'PlainText' }
Import-Module (Join-Path $ModuleRoot 'DlGpuTools/DlGpuTools.psd1') -Force
$module = Get-Module DlGpuTools

function Write-Step([string] $Text) { Write-Host ''; Write-Host "### $Text" -ForegroundColor Cyan }

$os = [System.Runtime.InteropServices.RuntimeInformation]::OSDescription
Write-Step "DlGpuTools $($module.Version) on PowerShell $($PSVersionTable.PSVersion) ($os)"
Get-Command -Module DlGpuTools | Format-Table Name, CommandType, Version -AutoSize | Out-Host

Write-Step 'Get-GpuRecommendation -Budget 800 -Workload ComputerVision   (from the built-in, sourced card table)'
Get-GpuRecommendation -Budget 800 -Workload ComputerVision | Out-Host
Write-Step 'Get-GpuRecommendation -ModelParameters 7e9 -Training -Precision BF16 -IncludeCloud -TrainingHours 200 -Top 3'
Get-GpuRecommendation -ModelParameters 7e9 -Training -Precision BF16 -IncludeCloud -TrainingHours 200 -Top 3 | Out-Host
Write-Step "Get-GpuSpec 'RTX 4090', 'NVIDIA H100 80GB HBM3', 'Tesla T4'"
Get-GpuSpec 'RTX 4090', 'NVIDIA H100 80GB HBM3', 'Tesla T4' | Out-Host

Write-Step 'Test-CuDnnInstall   (driver, CUDA runtime, cuBLAS, cuDNN: found, compatible, working?)'
Test-CuDnnInstall -ErrorAction SilentlyContinue | Out-Host

Write-Step 'Get-CudaDevice'
$devices = @(Get-CudaDevice -ErrorVariable problems -ErrorAction SilentlyContinue)
if ($devices.Count -gt 0) {
    $devices | Format-Table | Out-Host
    Write-Step 'Get-CudaDevice -Index 0 | Format-List'
    $devices[0] | Format-List | Out-Host
    Write-Step 'The same facts, ready for another tool: Get-CudaDevice | Select-Object Index, Name, Uuid, TotalMemory | ConvertTo-Json'
    $devices | Select-Object Index, Name, Uuid, TotalMemory, ComputeCapability | ConvertTo-Json | Out-Host
    Write-Step 'Get-CudaDevice | Measure-GpuMatMul -DataType BF16, FP32 -Size 4096 -Iterations 5'
    $devices | Select-Object -First 1 | Measure-GpuMatMul -DataType BF16, FP32 -Size 4096 -Iterations 5 | Out-Host
    Write-Step 'Get-CudaDevice | Get-GpuSpec'
    $devices | Get-GpuSpec | Out-Host
    Write-Step 'Get-CudaDevice | Get-GpuRecommendation -Workload LLMFineTune -Budget 3000'
    $devices | Select-Object -First 1 | Get-GpuRecommendation -Workload LLMFineTune -Budget 3000 | Out-Host
    exit 0
}

foreach ($problem in $problems) {
    $errorId = $problem.FullyQualifiedErrorId.Split(',')[0]
    Write-Host "No usable NVIDIA GPU here. Error id: $errorId ($($problem.CategoryInfo.Category))" -ForegroundColor Yellow
    Write-Host $problem.Exception.Message
    Write-Host ''
    Write-Host "How to fix: $($problem.ErrorDetails.RecommendedAction)" -ForegroundColor Green
}

if ($FakesPath -and (Test-Path (Join-Path $FakesPath 'libfakecuda.so.1'))) {
    Write-Step 'What it shows on a GPU machine (SIMULATED with the test suite''s fake CUDA driver and NVML: these are not real devices)'
    $env:DLGPUTOOLS_CUDA_DRIVER_PATH = Join-Path $FakesPath 'libfakecuda.so.1'
    $env:DLGPUTOOLS_NVML_PATH = Join-Path $FakesPath 'libfakenvml.so.1'
    Remove-Item (Join-Path $FakesPath 'fake-gpu.conf') -ErrorAction SilentlyContinue
    try {
        Get-CudaDevice | Format-Table | Out-Host
        Get-CudaDevice -Index 0 | Format-List | Out-Host
    }
    finally {
        Remove-Item Env:\DLGPUTOOLS_CUDA_DRIVER_PATH, Env:\DLGPUTOOLS_NVML_PATH
    }
}
exit 0
