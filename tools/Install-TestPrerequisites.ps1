<#
.SYNOPSIS
    Installs what the test suite needs beyond the .NET SDK and gcc, where that can be done safely:
    Debian's prometheus-node-exporter, for the test that scrapes our textfile through a real node_exporter.
    Only when the binary is missing and we are root on Debian or Ubuntu (as CI is); otherwise it says why
    not and the test skips with that reason. Called by build.ps1 -Task Test.
#>
[CmdletBinding()]
param()

$ErrorActionPreference = 'Stop'
if (Get-Command prometheus-node-exporter -ErrorAction SilentlyContinue) { return }
if (-not $IsLinux) { Write-Host '  prometheus-node-exporter: not Linux; the node_exporter test will be skipped.'; return }
$isRoot = (& id -u) -eq '0'
$isDebian = Test-Path /etc/debian_version
$apt = Get-Command apt-get -ErrorAction SilentlyContinue
if (-not ($isRoot -and $isDebian -and $apt)) {
    Write-Host '  prometheus-node-exporter is missing and this is not root on Debian/Ubuntu; the node_exporter test will be skipped.'
    return
}

Write-Host '== Test prerequisites: apt-get install prometheus-node-exporter'
$env:DEBIAN_FRONTEND = 'noninteractive'
& $apt.Source update -qq 2>&1 | Out-Host
if ($LASTEXITCODE -eq 0) { & $apt.Source install -y -qq --no-install-recommends prometheus-node-exporter 2>&1 | Out-Host }
if ($LASTEXITCODE -ne 0) { Write-Warning "apt-get could not install prometheus-node-exporter (exit code $LASTEXITCODE); the node_exporter test will be skipped." }
