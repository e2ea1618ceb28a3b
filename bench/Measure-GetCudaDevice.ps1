<#
.SYNOPSIS
    Times Get-CudaDevice in a warm session against one nvidia-smi query process, side by side.
.DESCRIPTION
    Both answer "what GPUs are there and what state are they in". The figure that matters to a user at a
    prompt or in a script is the ratio, so both run alternately in one session on one machine and the
    medians are compared. The first Get-CudaDevice (library load, cuInit) is reported on its own.
#>
param([int] $Repeat = 15)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module DlGpuTools
$query = '--query-gpu=index,name,uuid,pci.bus_id,memory.total,memory.free,utilization.gpu,temperature.gpu,power.draw,power.limit,' +
    'driver_version,compute_cap'

$first = Measure-Command { $null = Get-CudaDevice }
$ours = [System.Collections.Generic.List[double]]::new()
$smi = [System.Collections.Generic.List[double]]::new()
for ($i = 0; $i -lt $Repeat; $i++) {
    $ours.Add((Measure-Command { $null = Get-CudaDevice }).TotalMilliseconds)
    $smi.Add((Measure-Command { $null = & nvidia-smi $query --format=csv }).TotalMilliseconds)
}

. (Join-Path $PSScriptRoot 'BenchStatistics.ps1')

$card = (Get-CudaDevice | Select-Object -First 1)
$oursMedian = Get-Median $ours
$smiMedian = Get-Median $smi
[pscustomobject]@{
    Card                    = "$($card.Name), driver $($card.DriverVersion)"
    Devices                 = @(Get-CudaDevice).Count
    Repeats                 = $Repeat
    FirstCallMs             = [math]::Round($first.TotalMilliseconds, 1)
    GetCudaDeviceMedianMs   = [math]::Round($oursMedian, 2)
    GetCudaDeviceRangeMs    = '{0:N2}..{1:N2}' -f ($ours | Measure-Object -Minimum).Minimum, ($ours | Measure-Object -Maximum).Maximum
    NvidiaSmiMedianMs       = [math]::Round($smiMedian, 2)
    NvidiaSmiRangeMs        = '{0:N2}..{1:N2}' -f ($smi | Measure-Object -Minimum).Minimum, ($smi | Measure-Object -Maximum).Maximum
    'NvidiaSmi/GetCudaDevice' = [math]::Round($smiMedian / $oursMedian, 1)
} | Format-List
