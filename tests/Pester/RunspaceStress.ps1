<#
.SYNOPSIS
    Several runspaces of one process use the module at once while others change what it loads. Run in a
    process of its own (a crash must not take the test runner with it); prints one JSON summary.
.DESCRIPTION
    - flipper: changes DLGPUTOOLS_CUDA_DRIVER_PATH and DLGPUTOOLS_NVML_PATH every few milliseconds;
    - reimporter: Remove-Module / Import-Module in a loop, with a Get-CudaDevice after each import;
    - lister: Get-CudaDevice in a loop;
    - measurer: Measure-GpuMatMul (small FP16 GEMMs) in a loop.
    Every error is recorded by its FullyQualifiedErrorId (or, for an exception that is not an ErrorRecord
    of ours, by its type), so the caller can check that each one is a classified DlGpuTools error.
    With -Fakes, the module is pointed at the fake libraries; without, at the machine's real ones (a GPU box).
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [string] $FakesPath,
    [int] $Seconds = 20
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$ModuleManifest = (Resolve-Path $ModuleManifest).Path
$driverChoices = @()
$nvmlChoices = @()
if ($FakesPath) {
    $env:DLGPUTOOLS_CUBLASLT_PATH = Join-Path $FakesPath 'libfakecublasLt.so.13'
    Remove-Item (Join-Path $FakesPath 'fake-gpu.conf') -ErrorAction SilentlyContinue
    $driverChoices = @((Join-Path $FakesPath 'libfakecuda.so.1'), (Join-Path $FakesPath 'libfakecuda-old.so.1'),
        '/nonexistent/libcuda.so.1')
    $nvmlChoices = @((Join-Path $FakesPath 'libfakenvml.so.1'), '/nonexistent/libnvidia-ml.so.1')
}
else {
    # The real driver, found by the normal search (empty), or a path that does not exist.
    $driverChoices = @('', '/nonexistent/libcuda.so.1')
    $nvmlChoices = @('', '/nonexistent/libnvidia-ml.so.1')
}
$env:DLGPUTOOLS_CUDA_DRIVER_PATH = $driverChoices[0]
$env:DLGPUTOOLS_NVML_PATH = $nvmlChoices[0]

$deadline = [DateTime]::UtcNow.AddSeconds($Seconds)

# Each worker returns @{ Iterations; Errors = list of ids }.
$common = {
    # Each worker's text is appended to this block's (see below), so the workers read these parameters.
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('UnusedParameter', '',
        Justification = 'read by the worker text appended to this block')]
    param($ModuleManifest, $Deadline, $DriverChoices, $NvmlChoices)
    $ErrorActionPreference = 'Continue'
    $ids = [System.Collections.Generic.List[string]]::new()
    function Add-Errors($records) {
        foreach ($r in $records) {
            if ($r -is [System.Management.Automation.ErrorRecord]) {
                $ids.Add($r.FullyQualifiedErrorId + ' [' + $r.Exception.GetType().Name + ']')
            }
            else { $ids.Add('(not an ErrorRecord) ' + $r.GetType().FullName) }
        }
    }
    Import-Module $ModuleManifest
}

$workers = [ordered]@{
    flipper = {
        $i = 0
        while ([DateTime]::UtcNow -lt $Deadline) {
            $env:DLGPUTOOLS_CUDA_DRIVER_PATH = $DriverChoices[$i % $DriverChoices.Count]
            $env:DLGPUTOOLS_NVML_PATH = $NvmlChoices[[int][Math]::Floor($i / 3) % $NvmlChoices.Count]
            Start-Sleep -Milliseconds 3
            $i++
        }
        $env:DLGPUTOOLS_CUDA_DRIVER_PATH = $DriverChoices[0]
        $env:DLGPUTOOLS_NVML_PATH = $NvmlChoices[0]
        @{ Iterations = $i; Errors = $ids }
    }
    reimporter = {
        $i = 0
        while ([DateTime]::UtcNow -lt $Deadline) {
            try {
                Remove-Module DlGpuTools
                Import-Module $ModuleManifest
                $null = Get-CudaDevice -ErrorAction SilentlyContinue -ErrorVariable e
                Add-Errors $e
            }
            catch { Add-Errors $_ }
            $i++
        }
        @{ Iterations = $i; Errors = $ids }
    }
    lister = {
        $i = 0
        while ([DateTime]::UtcNow -lt $Deadline) {
            try {
                $null = Get-CudaDevice -ErrorAction SilentlyContinue -ErrorVariable e -WarningAction SilentlyContinue
                Add-Errors $e
            }
            catch { Add-Errors $_ }
            $i++
        }
        @{ Iterations = $i; Errors = $ids }
    }
    measurer = {
        $i = 0
        while ([DateTime]::UtcNow -lt $Deadline) {
            try {
                $tiny = @{ Index = 0; DataType = 'FP16'; Size = 32; Iterations = 2; Warmup = 0; AlgorithmCandidates = 1 }
                $null = Measure-GpuMatMul @tiny -ErrorAction SilentlyContinue -ErrorVariable e
                Add-Errors $e
            }
            catch { Add-Errors $_ }
            $i++
        }
        @{ Iterations = $i; Errors = $ids }
    }
}

$running = foreach ($name in $workers.Keys) {
    $ps = [powershell]::Create()
    $ps.Runspace = [runspacefactory]::CreateRunspace()
    $ps.Runspace.Open()
    $script = [scriptblock]::Create($common.ToString() + "`n" + $workers[$name].ToString())
    $null = $ps.AddScript($script).AddArgument($ModuleManifest).AddArgument($deadline).AddArgument($driverChoices).AddArgument($nvmlChoices)
    [pscustomobject]@{ Name = $name; PowerShell = $ps; Handle = $ps.BeginInvoke() }
}

$results = foreach ($w in $running) {
    $out = $w.PowerShell.EndInvoke($w.Handle)
    $streamErrors = @($w.PowerShell.Streams.Error | ForEach-Object { $_.FullyQualifiedErrorId + ' [' + $_.Exception.GetType().Name + ']' })
    $r = $out | Select-Object -Last 1
    $ids = @($r.Errors) + $streamErrors
    [pscustomobject]@{
        Runspace = $w.Name
        Iterations = $r.Iterations
        Errors = @($ids | Group-Object | Sort-Object Count -Descending |
            ForEach-Object { [pscustomobject]@{ Id = $_.Name; Count = $_.Count } })
    }
    $w.PowerShell.Runspace.Dispose()
    $w.PowerShell.Dispose()
}

[pscustomobject]@{ Seconds = $Seconds; ProcessId = $PID; Runspaces = @($results) } | ConvertTo-Json -Depth 5
