<#
.SYNOPSIS
    Writes DlGpuTools.<version>.nupkg from the built module folder, the package PowerShellGet and PSResourceGet
    install. Run by build.ps1 -Task Package in a child process.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutDirectory
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module Microsoft.PowerShell.PSResourceGet
. (Join-Path $PSScriptRoot '../tests/Pester/TestHelpers.ps1') # New-PrivateTempDirectory
# New and private: the package is taken from this folder, so no one else may have put one there first.
$feed = New-PrivateTempDirectory -Prefix 'dlgputools-feed-'
$name = "DlGpuToolsBuild$PID"
# Where a user has no ~/.config or ~/.local/share, .NET answers "" for those folders and PSResourceGet and NuGet
# write their settings (PSResourceGet/PSResourceRepository.xml, NuGet/NuGet.Config) relative to the process's
# current directory: that is the repository root under build.ps1. In the feed folder they go away with it.
$startDirectory = [Environment]::CurrentDirectory
[Environment]::CurrentDirectory = $feed
try {
    # A folder repository exists only for this process's user settings while the package is written.
    Register-PSResourceRepository -Name $name -Uri $feed -Trusted
    Publish-PSResource -Path $ModulePath -Repository $name -SkipDependenciesCheck
    $package = Get-ChildItem $feed -Filter 'DlGpuTools.*.nupkg' | Select-Object -First 1
    if (-not $package) { throw "Publish-PSResource wrote no package into $feed." }
    Get-ChildItem $OutDirectory -Filter 'DlGpuTools.*.nupkg' -ErrorAction SilentlyContinue | Remove-Item
    Copy-Item $package.FullName $OutDirectory
    Write-Host "Package: $(Join-Path $OutDirectory $package.Name)"
}
finally {
    Unregister-PSResourceRepository -Name $name -ErrorAction SilentlyContinue
    [Environment]::CurrentDirectory = $startDirectory
    Remove-Item $feed -Recurse -Force -ErrorAction SilentlyContinue
}
