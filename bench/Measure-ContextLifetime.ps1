<#
.SYNOPSIS
    On a GPU machine: how much GPU memory this PowerShell process still holds after Measure-GpuMatMul
    returns, and what creating the module's context on a device costs (the price of releasing it after each
    command). Run it once with the current module and once with an older one to compare.
.EXAMPLE
    ./dlgpu -File bench/Measure-ContextLifetime.ps1
    ./pwsh -NoProfile -File bench/Measure-ContextLifetime.ps1 -ModuleManifest /tmp/old/DlGpuTools/DlGpuTools.psd1
#>
param(
    [string] $ModuleManifest = 'DlGpuTools',
    [int] $Repeat = 5
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module $ModuleManifest
$version = (Get-Module DlGpuTools).Version

function Get-OwnGpuMemoryMiB {
    # nvidia-smi's view of this process: what another program on the GPU would see as taken.
    $rows = & nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits
    $mine = $rows | Where-Object { ($_ -split ',\s*')[0] -eq "$PID" }
    if ($mine) { [int](($mine -split ',\s*')[1]) } else { 0 }
}

$null = Get-CudaDevice -Index 0
$afterList = Get-OwnGpuMemoryMiB
$null = Measure-GpuMatMul -Index 0 -DataType BF16 -Size 4096 -Iterations 5
$afterMatMul = Get-OwnGpuMemoryMiB

$rows = [System.Collections.Generic.List[object]]::new()
$rows.Add([pscustomobject]@{ Step = 'after Get-CudaDevice'; Value = "$afterList MiB held by this process" })
$rows.Add([pscustomobject]@{ Step = 'after Measure-GpuMatMul returned'; Value = "$afterMatMul MiB held by this process" })

# A module compared through -ModuleManifest may be older and offer only AcquireContext.
$acquire = 'KeepContextAlive', 'AcquireContext' |
    ForEach-Object { [DlGpuTools.Devices.GpuRuntime].GetMethod($_) } | Where-Object { $_ } | Select-Object -First 1
if ($acquire) {
    # The cost a command pays when no other command holds a context on the device: create and destroy.
    $runtime = [DlGpuTools.Devices.GpuRuntime]::Shared
    $times = foreach ($i in 1..$Repeat) {
        $w = [Diagnostics.Stopwatch]::StartNew()
        $lease = $acquire.Invoke($runtime, @(0))
        $created = $w.Elapsed.TotalMilliseconds
        $lease.Dispose()
        [pscustomobject]@{ Create = $created; Destroy = $w.Elapsed.TotalMilliseconds - $created }
    }
    $create = @($times.Create | Sort-Object)
    $destroy = @($times.Destroy | Sort-Object)
    $rows.Add([pscustomobject]@{
        Step = "context create, median of $Repeat"
        Value = ('{0:N1} ms (min {1:N1}, max {2:N1})' -f $create[[int]($create.Count / 2)], $create[0], $create[-1])
    })
    $rows.Add([pscustomobject]@{
        Step = "context destroy, median of $Repeat"; Value = ('{0:N1} ms' -f $destroy[[int]($destroy.Count / 2)])
    })
}

$small = foreach ($i in 1..$Repeat) {
    $w = [Diagnostics.Stopwatch]::StartNew()
    $null = Measure-GpuMatMul -Index 0 -DataType FP16 -Size 256 -Iterations 1 -Warmup 0 -AlgorithmCandidates 1
    $w.Elapsed.TotalMilliseconds
}
$small = @($small | Sort-Object)
$rows.Add([pscustomobject]@{
    Step = "Measure-GpuMatMul FP16 256, one batch, median of $Repeat"; Value = ('{0:N0} ms end to end' -f $small[[int]($small.Count / 2)])
})
$rows.Add([pscustomobject]@{ Step = 'after those runs'; Value = "$(Get-OwnGpuMemoryMiB) MiB held by this process" })

"DlGpuTools $version, PID $PID, $((Get-CudaDevice -Index 0).Name)"
$rows | Format-Table -AutoSize | Out-String -Width 120
