<#
.SYNOPSIS
    Live monitoring on a GPU machine, side by side with nvidia-smi: Get-GpuSample beside nvidia-smi dmon and
    --query-gpu, GPM samples idle and while a BF16 8192 GEMM runs in another process, Get-GpuProcess beside
    --query-compute-apps, a Watch-Gpu screen at 80 columns, and the cost of sampling.
.DESCRIPTION
    Run from the bundle: ./dlgpu -File bench/Measure-GpuSample.ps1   (about 3 minutes)
    Targets (issue 14): values agree with nvidia-smi within its sampling granularity; during the GEMM, GPM
    tensor activity > 80% and SM activity > 90%, idle both near 0; one sample of all GPUs < 5 ms per GPU once
    NVML is loaded; -Continuous at 1 s < 1% of one CPU.
    Logs (every raw table and capture) go to $env:OUT when it is set, else to a temporary folder.
#>
param([int] $Index = 0, [int] $LoadSeconds = 40)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module DlGpuTools
. (Join-Path $PSScriptRoot '../tests/Pester/TestHelpers.ps1') # New-PrivateTempDirectory
$out = if ($env:OUT) { $env:OUT } else { New-PrivateTempDirectory -Prefix 'dlgpu-sample-bench-' }
New-Item -ItemType Directory -Path $out -Force | Out-Null
function Save([string] $Name, $Value) {
    $Value | Out-String -Width 200 | Set-Content -Path (Join-Path $out $Name); Write-Host "---- $Name"; $Value |
        Out-String -Width 200 | Write-Host
}

# This pwsh, to start children the same way (the bundle's dotnet + pwsh.dll, or a pwsh executable).
$self = [Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
$pwsh = if ((Split-Path $self -Leaf) -match '^dotnet(\.exe)?$') { @($self, [Reflection.Assembly]::GetEntryAssembly().Location) } else {
    @($self)
}
function Start-Child([string] $Command, [string] $Log) {
    $psi = [Diagnostics.ProcessStartInfo]::new($pwsh[0])
    foreach ($a in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', "$Command *> '$Log'")) {
        $psi.ArgumentList.Add($a)
    }
    $psi.UseShellExecute = $false
    [Diagnostics.Process]::Start($psi)
}

$device = Get-CudaDevice -Index $Index
$rows = [Collections.Generic.List[object]]::new()
function Add-Row([string] $Check, $Ours, $NvidiaSmi, [string] $Verdict) {
    $rows.Add([pscustomobject]@{ Check = $Check; Ours = "$Ours"; NvidiaSmi = "$NvidiaSmi"; Verdict = $Verdict })
}

# 1. Idle: Get-GpuSample -MaxSamples 5 while nvidia-smi dmon -c 5 runs over the same seconds.
$dmonLog = Join-Path $out 'dmon-idle.txt'
$dmon = Start-Process nvidia-smi -ArgumentList @('dmon', '-c', '5', '-s', 'pucm') -RedirectStandardOutput $dmonLog -PassThru
$idle = @(Get-GpuSample -MaxSamples 5)
$query = & nvidia-smi --query-gpu=index,uuid,utilization.gpu,memory.used,power.draw,power.limit,clocks.sm,clocks.mem,
    temperature.gpu --format=csv,noheader,nounits
$dmon.WaitForExit(15000) | Out-Null
Save 'get-gpusample-idle.txt' ($idle | Format-Table Timestamp, Index, GpuUtilizationPercent,
    @{ n = 'MemUsedMiB'; e = { [math]::Round($_.MemoryUsed / 1MB) } }, PowerW, PowerLimitW, SmClockMHz, MemoryClockMHz, TemperatureC,
        GpmSmActivityPercent, GpmTensorActivityPercent, GpmDramBandwidthPercent, Source)
Save 'dmon-idle.txt' (Get-Content $dmonLog)
Save 'query-gpu-idle.txt' $query
$mine = $idle | Where-Object Index -eq $Index | Select-Object -Last 1
$smiRow = ($query | Where-Object { ($_ -split ',\s*')[1] -eq $mine.Uuid }) -split ',\s*'
if ($smiRow.Count -ge 9) {
    $memOurs = [math]::Round($mine.MemoryUsed / 1MB)
    Add-Row 'memory used MiB' $memOurs $smiRow[3] $(if ([math]::Abs($memOurs - [double]$smiRow[3]) -le 16) { 'ok' } else { 'DIFFERS' })
    Add-Row 'power limit W' $mine.PowerLimitW $smiRow[5] $(if ([math]::Abs($mine.PowerLimitW - [double]$smiRow[5]) -le 1) { 'ok' } else {
        'DIFFERS'
    })
    Add-Row 'power draw W (idle)' $mine.PowerW $smiRow[4] $(if ([math]::Abs($mine.PowerW - [double]$smiRow[4]) -le 15) { 'ok' } else {
        'check'
    })
    Add-Row 'SM / mem clock MHz' "$($mine.SmClockMHz)/$($mine.MemoryClockMHz)" "$($smiRow[6])/$($smiRow[7])" $(
        if ([math]::Abs($mine.MemoryClockMHz - [double]$smiRow[7]) -le 10) { 'ok' } else { 'check' })
    Add-Row 'temperature C' $mine.TemperatureC $smiRow[8] $(if ([math]::Abs($mine.TemperatureC - [double]$smiRow[8]) -le 2) { 'ok' } else {
        'check'
    })
}
$idleSm = ($idle | Where-Object Index -eq $Index | Measure-Object GpmSmActivityPercent -Maximum).Maximum
$idleTensor = ($idle | Where-Object Index -eq $Index | Measure-Object GpmTensorActivityPercent -Maximum).Maximum
Add-Row 'GPM idle: max SM / tensor %' "$idleSm / $idleTensor" '' $(if ($null -ne $idleSm -and $idleSm -lt 5 -and $idleTensor -lt 5) {
    'ok (near 0)'
} else { 'CHECK' })

# 2. Load: a BF16 8192 GEMM in another process; GPM samples once it runs.
$gemmLog = Join-Path $out 'gemm-child.txt'
$gemmScript = "Import-Module DlGpuTools; Measure-GpuMatMul -Index $Index -DataType BF16 -Size 8192 -Iterations 20000 | Format-List"
$gemm = Start-Child $gemmScript $gemmLog
try {
    $deadline = (Get-Date).AddSeconds($LoadSeconds)
    do {
        $probe = Get-GpuSample -Index $Index -SampleInterval 0.5
    } until ($probe.GpuUtilizationPercent -ge 95 -or (Get-Date) -gt $deadline -or $gemm.HasExited)
    $dmonLog = Join-Path $out 'dmon-load.txt'
    $dmon = Start-Process nvidia-smi -ArgumentList @('dmon', '-c', '5', '-s', 'pucm', '-i',
        "$Index") -RedirectStandardOutput $dmonLog -PassThru
    $load = @(Get-GpuSample -Index $Index -MaxSamples 5)
    $dmon.WaitForExit(15000) | Out-Null
    $processes = @(Get-GpuProcess -Index $Index)
    $apps = & nvidia-smi --query-compute-apps=pid,gpu_uuid,used_memory --format=csv,noheader,nounits
    $screen = @(Watch-Gpu -Index $Index -Count 1 -Plain)
}
finally {
    if (-not $gemm.HasExited) { $gemm.Kill(); $gemm.WaitForExit(10000) | Out-Null }
}
Save 'get-gpusample-load.txt' ($load | Format-Table Timestamp, GpuUtilizationPercent, PowerW, SmClockMHz, GpmSmActivityPercent,
    GpmSmOccupancyPercent, GpmTensorActivityPercent, GpmTensorHmmaActivityPercent, GpmDramBandwidthPercent, GpmFp16ActivityPercent,
        GpmFp32ActivityPercent, @{ n = 'Reasons'; e = { $_.ClockEventReasons -join ',' } })
Save 'dmon-load.txt' (Get-Content $dmonLog)
Save 'get-gpuprocess.txt' ($processes | Format-Table Index, ProcessId, UserName,
    @{ n = 'UsedMiB'; e = { [math]::Round($_.UsedMemory / 1MB) } }, SmUtilizationPercent, MemoryUtilizationPercent,
        ContainerId, CommandLine)
Save 'query-compute-apps.txt' $apps
Save 'watch-gpu.txt' ($screen -join "`n")
$medianTensor = ($load.GpmTensorActivityPercent | Sort-Object)[[int][math]::Floor($load.Count / 2)]
$medianSm = ($load.GpmSmActivityPercent | Sort-Object)[[int][math]::Floor($load.Count / 2)]
Add-Row 'GPM under BF16 GEMM: median tensor %' $medianTensor '> 80' $(if ($medianTensor -gt 80) { 'ok' } else { 'MISSED' })
Add-Row 'GPM under BF16 GEMM: median SM %' $medianSm '> 90' $(if ($medianSm -gt 90) { 'ok' } else { 'MISSED' })
$gemmPid = $gemm.Id
$oursProc = $processes | Where-Object ProcessId -eq $gemmPid
$smiProc = ($apps | Where-Object { ($_ -split ',\s*')[0] -eq "$gemmPid" }) -split ',\s*'
Add-Row 'GEMM process memory MiB' $(if ($oursProc) { [math]::Round($oursProc.UsedMemory / 1MB) }) $(if ($smiProc.Count -ge 3) {
    $smiProc[2]
}) $(if ($oursProc -and $smiProc.Count -ge 3 -and [math]::Abs($oursProc.UsedMemory / 1MB - [double]$smiProc[2]) -le 2) { 'ok' } else {
    'CHECK'
})
Add-Row 'Watch-Gpu widest line' (($screen | Measure-Object Length -Maximum).Maximum) '<= 80' $(
    if (($screen | Measure-Object Length -Maximum).Maximum -le 80) { 'ok' } else { 'TOO WIDE' })

# 3. Cost of one sample of all GPUs, NVML loaded, measured on the engine (no interval wait).
$warnings = [Collections.Generic.List[string]]::new()
$sampler = [DlGpuTools.Monitoring.GpuSampler]::Create([DlGpuTools.Devices.GpuRuntime]::Shared,
    [DlGpuTools.CudaDevice[]]@(Get-CudaDevice), $warnings)
try {
    $sampler.Start(); $null = $sampler.Sample()
    $times = foreach ($i in 1..200) { $w = [Diagnostics.Stopwatch]::StartNew(); $null = $sampler.Sample(); $w.Elapsed.TotalMilliseconds }
}
finally { $sampler.Dispose() }
$gpus = $sampler.Devices.Count
$medianMs = ($times | Sort-Object)[100]
Add-Row "one sample of all $gpus GPU(s), median of 200, ms per GPU" ([math]::Round($medianMs / $gpus, 3)) '< 5' $(
    if ($medianMs / $gpus -lt 5) { 'ok' } else { 'MISSED' })

# 4. CPU that Get-GpuSample -Continuous at 1 s adds: its process against an idle pwsh with the module loaded,
#    both measured over the same 20 s once the sampler runs steadily (start-up and JIT stay out of the figure).
$contLog = Join-Path $out 'continuous-child.txt'
$ready = Join-Path $out 'continuous-ready.txt'
$gpuCount = @(Get-CudaDevice).Count
$idleChild = Start-Child "Import-Module DlGpuTools; `$null = Get-CudaDevice; Start-Sleep -Seconds 120" (Join-Path $out 'idle-child.txt')
$continuousScript = "Import-Module DlGpuTools; Get-GpuSample -Continuous -SampleInterval 1 | " +
    "ForEach-Object -Begin { `$n = 0 } -Process { `$n++; if (`$n -eq 2 * $gpuCount) { Set-Content -Path '$ready' -Value ready } }"
$cont = Start-Child $continuousScript $contLog
try {
    $deadline = (Get-Date).AddSeconds(60)
    while (-not (Test-Path $ready) -and (Get-Date) -lt $deadline -and -not $cont.HasExited) { Start-Sleep -Milliseconds 200 }
    if (-not (Test-Path $ready)) { throw "Get-GpuSample -Continuous did not start (see $contLog)." }
    # .NET recompiles hot methods (tier 1) after about 30 calls, which at one sample a second is 30 s in.
    Start-Sleep -Seconds 35
    $cont.Refresh(); $idleChild.Refresh(); $cpu0 = $cont.TotalProcessorTime; $idle0 = $idleChild.TotalProcessorTime
    $t0 = [Diagnostics.Stopwatch]::StartNew()
    Start-Sleep -Seconds 20
    $cont.Refresh(); $idleChild.Refresh(); $cpu1 = $cont.TotalProcessorTime; $idle1 = $idleChild.TotalProcessorTime; $t0.Stop()
}
finally {
    foreach ($child in $cont, $idleChild) { if (-not $child.HasExited) { $child.Kill(); $child.WaitForExit(10000) | Out-Null } }
}
$cpuPercent = 100 * ($cpu1 - $cpu0).TotalSeconds / $t0.Elapsed.TotalSeconds
$idlePercent = 100 * ($idle1 - $idle0).TotalSeconds / $t0.Elapsed.TotalSeconds
Add-Row '-Continuous at 1 s: % of one CPU (idle pwsh)' ('{0:N2} ({1:N2})' -f $cpuPercent, $idlePercent) '' ''
Add-Row '-Continuous at 1 s: CPU added, % of one CPU' ([math]::Round($cpuPercent - $idlePercent, 2)) '< 1' $(
    if ($cpuPercent - $idlePercent -lt 1) { 'ok' } else { 'MISSED' })

Write-Host ''
Write-Host "Card: $($device.Name), driver $($device.DriverVersion); logs in $out"
Save 'summary.txt' ($rows | Format-Table -AutoSize -Wrap)
