<#
.SYNOPSIS
    A scheduler's GPU health check: exit code 0 when the node may take jobs, 1 when it may not, and the reason on
    one line, as Slurm's HealthCheckProgram and Prolog, node-health-check (NHC) scripts and Kubernetes init
    containers expect. Run by bin/dlgpu-healthcheck beside it, which reads the settings file first.
.DESCRIPTION
    Runs Test-GpuHealth (Quick by default: NVML only, about a second, safe beside running jobs; -Level Standard adds
    a minute of GEMM stress, for a node before it takes jobs, e.g. in a Slurm prolog or at boot) and prints one line:
        HEALTHY: 8 GPU(s), all checks passed
        DEGRADED (Watch): GPU 3: PCIe replays: 12 PCIe packet(s) replayed ... (exit 0: usable, act on it)
        UNHEALTHY (ResetGpu): GPU 0: Memory repair: ... a remap is pending ... (exit 1)
    -Json prints the whole report as JSON instead (still one exit code).

    Run by slurmd (SLURMD_NODENAME is set) it also keeps the node's drain state in step (Sync-SlurmNodeHealth): an
    unhealthy node is drained with a reason starting "dlgpu:", a node it drained is resumed once healthy, and a
    drain set by anyone else is left alone; the line then ends with what was done, e.g. "[slurm: Drained]".
    DLGPU_SLURM=0 turns that off. Under slurmd, -ExpectedGpuCount defaults to the node's GPU count in slurm.conf
    (its gpu GRES), so a GPU that is gone fails the node. A parameter not given is read from the environment the launcher exports from its
    settings file: DLGPU_LEVEL, DLGPU_DURATION, DLGPU_EXPECTED_GPUS, DLGPU_MIN_DRIVER, DLGPU_REASON_PREFIX.
.EXAMPLE
    ./dlgpu-healthcheck -ExpectedGpuCount 8 -MinimumDriverVersion 570
.EXAMPLE
    ./dlgpu-healthcheck -Level Standard -Duration 30
#>
param(
    [ValidateSet('Quick', 'Standard', 'Long')]
    [string] $Level = $(if ($env:DLGPU_LEVEL) { $env:DLGPU_LEVEL } else { 'Quick' }),
    [double] $Duration = $(if ($env:DLGPU_DURATION) { [double]$env:DLGPU_DURATION } else { 0 }),
    [int] $MatrixSize = 0,
    [int] $ExpectedGpuCount = $(if ($env:DLGPU_EXPECTED_GPUS) { [int]$env:DLGPU_EXPECTED_GPUS } else { -1 }),
    [string] $MinimumDriverVersion = $env:DLGPU_MIN_DRIVER,
    [double] $XidWatchSeconds = 1,
    [switch] $Json
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$slurm = $env:SLURMD_NODENAME -and $env:DLGPU_SLURM -ne '0'

function Get-SlurmGpuCount {
    # The node's GPUs as slurm.conf gives them (Gres=gpu:8, gpu:h100:8(S:0-1), several types summed), or nothing.
    $line = & scontrol show node -o $env:SLURMD_NODENAME 2>$null | Select-Object -First 1
    if ("$line" -notmatch '(?:^|\s)Gres=(\S+)') { return }
    $sum = 0
    $found = $false
    foreach ($entry in $Matches[1] -split ',') {
        if ($entry -match '^gpu(?::[^:(]+)?:(\d+)') { $sum += [int]$Matches[1]; $found = $true }
    }
    if ($found) { $sum }
}

function Sync-Slurm($Report) {
    # The node's drain state follows the verdict; a failure to reach Slurm is said on the line, the exit code stays the verdict's.
    if (-not $slurm) { return '' }
    try {
        $sync = @{ Confirm = $false; ErrorAction = 'Stop' }
        if ($env:DLGPU_REASON_PREFIX) { $sync.ReasonPrefix = $env:DLGPU_REASON_PREFIX }
        " [slurm: $(($Report | Sync-SlurmNodeHealth @sync).Change)]"
    }
    catch { " [slurm: not updated: $($_.Exception.Message -replace '\s+', ' ')]" }
}

try {
    Import-Module (Join-Path $PSScriptRoot '../DlGpuTools.psd1')
    $arguments = @{ Level = $Level; XidWatchSeconds = $XidWatchSeconds; ErrorAction = 'SilentlyContinue'; ErrorVariable = 'problems' }
    if ($Duration -gt 0) { $arguments.Duration = $Duration }
    if ($MatrixSize -gt 0) { $arguments.MatrixSize = $MatrixSize }
    # Under slurmd, with no count given, the node's GPU GRES is the count: a GPU that fell off the bus (Xid 79)
    # leaves the others healthy, and only the count shows it.
    if ($ExpectedGpuCount -lt 0 -and $slurm) { $gres = Get-SlurmGpuCount; if ($null -ne $gres) { $ExpectedGpuCount = $gres } }
    if ($ExpectedGpuCount -ge 0) { $arguments.ExpectedGpuCount = $ExpectedGpuCount }
    if ($MinimumDriverVersion) { $arguments.MinimumDriverVersion = $MinimumDriverVersion }
    $report = Test-GpuHealth @arguments
}
catch {
    $problems = @($_)
    $report = $null
}

if (-not $report) {
    # No report: the check itself failed (no driver, no NVML); the error says what was searched. Nothing vouches for the GPUs.
    $why = if ($problems) { $problems[0].Exception.Message -replace '\s+', ' ' } else { 'no report' }
    $reason = "the GPU health check could not run: $why"
    $slurmNote = if (Get-Command Sync-SlurmNodeHealth -ErrorAction SilentlyContinue) {
        Sync-Slurm ([DlGpuTools.GpuHealthReport]@{ Verdict = 'Unhealthy'; Action = 'Drain'; Reason = $reason })
    }
    Write-Output "UNHEALTHY (Drain): $reason$slurmNote"
    exit 1
}

$slurmNote = Sync-Slurm $report
if ($Json) { $report | ConvertTo-Json -Depth 4 }
switch ($report.Verdict) {
    'Unhealthy' { if (-not $Json) { Write-Output "UNHEALTHY ($($report.Action)): $($report.Reason)$slurmNote" }; exit 1 }
    'Degraded' { if (-not $Json) { Write-Output "DEGRADED ($($report.Action)): $($report.Reason)$slurmNote" }; exit 0 }
    default { if (-not $Json) { Write-Output "HEALTHY: $($report.GpuCount) GPU(s), all checks passed$slurmNote" }; exit 0 }
}
