<#
.SYNOPSIS
    Installs what the test suite needs beyond the .NET SDK and gcc, where that can be done safely: Debian's
    prometheus-node-exporter (the test that scrapes our textfile through a real node_exporter),
    openssh-server (the test that runs the module over PowerShell remoting to a throwaway sshd on loopback), and
    slurm-wlm with munge (the test that runs bin/dlgpu-healthcheck under real slurmctld and slurmd daemons).
    Only what is missing, and only as root on Debian or Ubuntu (as CI is); otherwise it says why not and the
    test skips with that reason. Called by build.ps1 -Task Test.
#>
[CmdletBinding()]
param()

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
# What each test needs: the program it looks for, and the Debian package that has it.
$needed = [ordered]@{
    'prometheus-node-exporter' = @{
        Present = [bool](Get-Command prometheus-node-exporter -ErrorAction SilentlyContinue); Test = 'the node_exporter test'
    }
    'openssh-server'           = @{ Present = (Test-Path /usr/sbin/sshd); Test = 'the SSH remoting test' }
    'slurm-wlm'                = @{ Present = (Test-Path /usr/sbin/slurmctld) -and (Test-Path /usr/sbin/slurmd); Test = 'the Slurm test' }
    'munge'                    = @{ Present = (Test-Path /usr/sbin/munged); Test = 'the Slurm test' }
}
$missing = @($needed.Keys | Where-Object { -not $needed[$_].Present })
if ($missing.Count -eq 0) { return }
$skipped = ($missing | ForEach-Object { $needed[$_].Test }) -join ' and '
if (-not $IsLinux) {
    Write-Host "  $($missing -join ', '): not Linux; $skipped will be skipped."
    return
}
$isRoot = (& id -u) -eq '0'
$isDebian = Test-Path /etc/debian_version
$apt = Get-Command apt-get -ErrorAction SilentlyContinue
if (-not ($isRoot -and $isDebian -and $apt)) {
    Write-Host "  $($missing -join ', ') missing and this is not root on Debian/Ubuntu; $skipped will be skipped."
    return
}

Write-Host "== Test prerequisites: apt-get install $($missing -join ' ')"
$env:DEBIAN_FRONTEND = 'noninteractive'
& $apt.Source update -qq 2>&1 | Out-Host
# The package must not start a system sshd on port 22: policy-rc.d answers 101 ("not allowed") while it installs.
$policy = '/usr/sbin/policy-rc.d'
$hadPolicy = Test-Path $policy
if (-not $hadPolicy) { Set-Content -Path $policy -Value "#!/bin/sh`nexit 101"; & chmod 755 $policy }
try {
    if ($LASTEXITCODE -eq 0) { & $apt.Source install -y -qq --no-install-recommends @missing 2>&1 | Out-Host }
    if ($LASTEXITCODE -ne 0) {
        Write-Warning "apt-get could not install $($missing -join ', ') (exit code $LASTEXITCODE); $skipped will be skipped."
    }
}
finally {
    if (-not $hadPolicy) { Remove-Item $policy -ErrorAction SilentlyContinue }
}
