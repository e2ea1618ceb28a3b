<#
.SYNOPSIS
    On a GPU machine, breaks cuDNN in three ways (each in a child PowerShell, because LD_LIBRARY_PATH only
    counts when a process starts) and shows what Test-CuDnnInstall says about each, plus one healthy run.
.DESCRIPTION
    1. Truncated:  a 4 KiB copy of the system libcudnn.so.9 in a folder first on LD_LIBRARY_PATH.
    2. OnlyOps:    a folder with only libcudnn.so.9 and libcudnn_ops.so.9 copied from the system folder,
                   (a) first on LD_LIBRARY_PATH and (b) named by DLGPUTOOLS_CUDNN_PATH.
    3. TextFile:   DLGPUTOOLS_CUDNN_PATH pointing at a text file.
    4. Healthy:    nothing changed.
    Prints Status, Detail and Remedy of the cuDNN checks for each, then a short table. Logs (each child's
    checks as JSON) go to $env:OUT when set. Run from the bundle: ./dlgpu -File ./bench/Test-BrokenCuDnn.ps1
    Takes well under a minute.
#>
param([string] $SystemCuDnn = '/usr/lib/x86_64-linux-gnu/libcudnn.so.9')

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module DlGpuTools
$manifest = (Get-Module DlGpuTools).Path -replace '\.dll$', '.psd1'
# The bundle runs pwsh.dll under its own dotnet: start the child the same way.
$self = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
$entry = @(); if ((Split-Path $self -Leaf) -match '^dotnet') { $entry = @([System.Reflection.Assembly]::GetEntryAssembly().Location) }
. (Join-Path $PSScriptRoot '../tests/Pester/TestHelpers.ps1') # New-PrivateTempDirectory
# Private folders, new each run: this runs as root on a shared machine, and the libraries put here get loaded.
$logs = if ($env:OUT) { $env:OUT } else { New-PrivateTempDirectory -Prefix 'dlgpu-broken-cudnn-logs-' }
$work = New-PrivateTempDirectory -Prefix 'dlgpu-broken-cudnn-'
New-Item -ItemType Directory -Force -Path $logs | Out-Null
if (-not (Test-Path $SystemCuDnn)) { throw "No system cuDNN at ${SystemCuDnn}: pass -SystemCuDnn." }
$systemFolder = Split-Path $SystemCuDnn

# 1. A truncated copy (the real file, symlinks followed, cut to 4 KiB).
$truncated = New-Item -ItemType Directory -Force (Join-Path $work 'truncated')
$bytes = [IO.File]::ReadAllBytes((Resolve-Path $SystemCuDnn).Path)
[IO.File]::WriteAllBytes((Join-Path $truncated 'libcudnn.so.9'), $bytes[0..4095])
# 2. Only the main library and libcudnn_ops.
$onlyOps = New-Item -ItemType Directory -Force (Join-Path $work 'only-ops')
Copy-Item $SystemCuDnn (Join-Path $onlyOps 'libcudnn.so.9')
Copy-Item (Join-Path $systemFolder 'libcudnn_ops.so.9') (Join-Path $onlyOps 'libcudnn_ops.so.9')
# 3. A text file.
$text = Join-Path $work 'cudnn-notes.txt'
Set-Content -Path $text -Value ('This is a text file, not cuDNN. It is long enough to hold an ELF header, ' +
    'so the loader says why it refuses it.')

$child = Join-Path $work 'child.ps1'
Set-Content -Path $child -Value @"
Import-Module '$manifest'
`$checks = @(Test-CuDnnInstall -ErrorAction SilentlyContinue)
`$checks | Select-Object Name, Status, Detail, Remedy, Path, Searched | ConvertTo-Json -Depth 4 | Set-Content -Path `$args[0]
"@

function Invoke-Scenario([string] $Name, [hashtable] $Environment) {
    $saved = @{}
    foreach ($k in $Environment.Keys) {
        $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Environment[$k])
    }
    try {
        $json = Join-Path $logs "$Name.json"
        $watch = [Diagnostics.Stopwatch]::StartNew()
        & $self @entry -NoProfile -NonInteractive -File $child $json 2>&1 | Out-File (Join-Path $logs "$Name.log")
        $seconds = $watch.Elapsed.TotalSeconds
    }
    finally {
        foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
    }
    $checks = Get-Content $json -Raw | ConvertFrom-Json
    Write-Host "`n===== $Name ($([math]::Round($seconds, 1)) s) ====="
    foreach ($check in $checks | Where-Object Name -in 'Environment', 'cuDNN', 'cuDNN sub-libraries',
        'cuDNN convolution on the GPU', 'Verdict') {
        Write-Host "[$($check.Status)] $($check.Name)"
        Write-Host "  Detail: $($check.Detail)"
        if ($check.Remedy) { Write-Host "  Remedy: $($check.Remedy)" }
    }
    $pick = { param($n) ($checks | Where-Object Name -eq $n).Status }
    [pscustomobject]@{
        Scenario     = $Name
        cuDNN        = & $pick 'cuDNN'
        SubLibraries = & $pick 'cuDNN sub-libraries'
        Convolution  = & $pick 'cuDNN convolution on the GPU'
        Verdict      = & $pick 'Verdict'
    }
}

$ld = $env:LD_LIBRARY_PATH
$join = { param($first) if ($ld) { "${first}:$ld" } else { $first } }
$rows = @(
    Invoke-Scenario 'Truncated-first-on-LD_LIBRARY_PATH' @{ LD_LIBRARY_PATH = (& $join $truncated.FullName) }
    Invoke-Scenario 'Only-main-and-ops-first-on-LD_LIBRARY_PATH' @{ LD_LIBRARY_PATH = (& $join $onlyOps.FullName) }
    Invoke-Scenario 'Only-main-and-ops-by-override' @{ DLGPUTOOLS_CUDNN_PATH = (Join-Path $onlyOps 'libcudnn.so.9') }
    Invoke-Scenario 'Override-to-a-text-file' @{ DLGPUTOOLS_CUDNN_PATH = $text }
    Invoke-Scenario 'Healthy' @{}
)
Write-Host ''
$rows | Format-Table -AutoSize | Out-String -Width 120 | Write-Host
$rows | ConvertTo-Json | Set-Content (Join-Path $logs 'summary.json')
Write-Host "Logs in $logs"
Remove-Item $work -Recurse -Force
