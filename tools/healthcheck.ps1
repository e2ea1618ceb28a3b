<#
.SYNOPSIS
    A scheduler's GPU health check: exit code 0 when the node may take jobs, 1 when it may not, and the reason on
    one line, as Slurm's HealthCheckProgram, node-health-check (NHC) scripts and Kubernetes init containers expect.
.DESCRIPTION
    Runs Test-GpuHealth (Quick by default: NVML only, about a second, safe beside running jobs; -Level Standard adds
    a minute of GEMM stress, for a node before it takes jobs, e.g. in a Slurm prolog or at boot) and prints one line:
        HEALTHY: 8 GPU(s), all checks passed
        DEGRADED: GPU 3: PCIe replays: 12 PCIe packet(s) replayed ... (exit 0: usable, act on it)
        UNHEALTHY (ResetGpu): GPU 0: Memory repair: ... a remap is pending ... (exit 1)
    -Json prints the whole report as JSON instead (still one exit code). Shipped in the bundle as healthcheck.ps1,
    with the dlgpu-healthcheck launcher beside it.
.EXAMPLE
    ./dlgpu-healthcheck -ExpectedGpuCount 8 -MinimumDriverVersion 570
.EXAMPLE
    ./dlgpu-healthcheck -Level Standard -Duration 30
#>
param(
    [ValidateSet('Quick', 'Standard', 'Long')]
    [string] $Level = 'Quick',
    [double] $Duration = 0,
    [int] $MatrixSize = 0,
    [int] $ExpectedGpuCount = -1,
    [string] $MinimumDriverVersion,
    [double] $XidWatchSeconds = 1,
    [switch] $Json
)

$ErrorActionPreference = 'Stop'
try {
    Import-Module DlGpuTools
    $arguments = @{ Level = $Level; XidWatchSeconds = $XidWatchSeconds; ErrorAction = 'SilentlyContinue'; ErrorVariable = 'problems' }
    if ($Duration -gt 0) { $arguments.Duration = $Duration }
    if ($MatrixSize -gt 0) { $arguments.MatrixSize = $MatrixSize }
    if ($ExpectedGpuCount -ge 0) { $arguments.ExpectedGpuCount = $ExpectedGpuCount }
    if ($MinimumDriverVersion) { $arguments.MinimumDriverVersion = $MinimumDriverVersion }
    $report = Test-GpuHealth @arguments
}
catch {
    Write-Output "UNHEALTHY (Drain): the GPU health check could not run: $($_.Exception.Message)"
    exit 1
}

if (-not $report) {
    # No report: the check itself failed (no driver, no NVML); the error says what was searched.
    $why = if ($problems) { $problems[0].Exception.Message -replace '\s+', ' ' } else { 'no report' }
    Write-Output "UNHEALTHY (Drain): the GPU health check could not run: $why"
    exit 1
}

if ($Json) { $report | ConvertTo-Json -Depth 4 }
switch ($report.Verdict) {
    'Unhealthy' { if (-not $Json) { Write-Output "UNHEALTHY ($($report.Action)): $($report.Reason)" }; exit 1 }
    'Degraded' { if (-not $Json) { Write-Output "DEGRADED ($($report.Action)): $($report.Reason)" }; exit 0 }
    default { if (-not $Json) { Write-Output "HEALTHY: $($report.GpuCount) GPU(s), all checks passed" }; exit 0 }
}
