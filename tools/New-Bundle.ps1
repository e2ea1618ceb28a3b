<#
.SYNOPSIS
    Packs a portable Linux x64 bundle: the .NET runtime, PowerShell 7.6.9 and the module, with a launcher.
.DESCRIPTION
    For the bare cloud GPU box a provisioning script starts on: no .NET, no PowerShell. Unpack and run
        tar -xJf dlgputools-<version>-linux-x64.tar.xz && ./dlgputools-<version>-linux-x64/dlgpu -c 'Get-CudaDevice'
    The bundle also carries Pester, the Pester tests and the fake libraries, so the whole suite, GPU
    tests included, runs there: ./dlgpu -File ./run-tests.ps1
    Other operating systems' native files are left out to keep it small (the issue asks for under 45 MB).
#>
param(
    [Parameter(Mandatory)] [string] $Root,
    [Parameter(Mandatory)] [string] $ModuleOut,
    [Parameter(Mandatory)] [string] $FakesPath,
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $OutDirectory,
    [long] $MaxBytes = 45MB
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$version = (Import-PowerShellDataFile (Join-Path $ModuleOut 'DlGpuTools.psd1')).ModuleVersion
$name = "dlgputools-$version-linux-x64"
$staging = Join-Path $OutDirectory "bundle/$name"
if (Test-Path (Split-Path $staging)) { Remove-Item (Split-Path $staging) -Recurse -Force }
New-Item -ItemType Directory $staging -Force | Out-Null

# The .NET runtime that runs this build (pwsh 7.6 needs Microsoft.NETCore.App 10).
$dotnetRoot = Split-Path ([IO.Path]::GetFullPath((Get-Item (Get-Command dotnet).Source).ResolvedTarget ?? (Get-Command dotnet).Source))
$runtime = Get-ChildItem (Join-Path $dotnetRoot 'shared/Microsoft.NETCore.App') -Directory | Where-Object Name -like '10.*' |
    Sort-Object { [version]$_.Name } | Select-Object -Last 1
$fxr = Get-ChildItem (Join-Path $dotnetRoot 'host/fxr') -Directory | Sort-Object { [version]$_.Name } | Select-Object -Last 1
if (-not $runtime -or -not $fxr) { throw "No .NET 10 runtime under $dotnetRoot." }
New-Item -ItemType Directory (Join-Path $staging 'dotnet/shared/Microsoft.NETCore.App'),
    (Join-Path $staging 'dotnet/host/fxr') -Force | Out-Null
Copy-Item (Join-Path $dotnetRoot 'dotnet') (Join-Path $staging 'dotnet/')
Copy-Item $runtime.FullName (Join-Path $staging 'dotnet/shared/Microsoft.NETCore.App/') -Recurse
Copy-Item $fxr.FullName (Join-Path $staging 'dotnet/host/fxr/') -Recurse
Copy-Item (Join-Path $dotnetRoot 'LICENSE.txt'),
    (Join-Path $dotnetRoot 'ThirdPartyNotices.txt') (Join-Path $staging 'dotnet/') -ErrorAction SilentlyContinue

# PowerShell from the local tool's package, Linux x64 parts only.
$packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
$pwshSource = Join-Path $packages 'powershell/7.6.9/tools/net10.0/any/unix'
if (-not (Test-Path $pwshSource)) { throw "PowerShell 7.6.9 tool files not found at ${pwshSource}: run 'dotnet tool restore'." }
Copy-Item $pwshSource (Join-Path $staging 'pwsh') -Recurse
Get-ChildItem (Join-Path $staging 'pwsh/runtimes') -Directory | Where-Object Name -notin 'linux-x64', 'linux',
    'unix' | Remove-Item -Recurse -Force

# The module, Pester, the tests and the fakes.
New-Item -ItemType Directory (Join-Path $staging 'Modules') | Out-Null
Copy-Item $ModuleOut (Join-Path $staging 'Modules/DlGpuTools') -Recurse
Copy-Item (Split-Path $PesterManifest) (Join-Path $staging 'Modules/Pester') -Recurse
New-Item -ItemType Directory (Join-Path $staging 'tests') | Out-Null
Copy-Item (Join-Path $Root 'tests/Pester') (Join-Path $staging 'tests/Pester') -Recurse
Copy-Item (Join-Path $Root 'tests/Invoke-Tests.ps1') (Join-Path $staging 'tests/')
Copy-Item $FakesPath (Join-Path $staging 'fakes') -Recurse
Remove-Item (Join-Path $staging 'fakes/fake-gpu.conf') -ErrorAction SilentlyContinue
Copy-Item (Join-Path $Root 'bench') (Join-Path $staging 'bench') -Recurse

$launcher = @'
#!/bin/sh
# Runs PowerShell 7.6.9 with DlGpuTools on a Linux x64 box that has neither .NET nor PowerShell.
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
export DOTNET_ROOT="$here/dotnet"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off
# Minimal images often lack ICU; .NET then needs invariant globalization to start.
if ! ls /usr/lib/x86_64-linux-gnu/libicuuc.so.* /usr/lib64/libicuuc.so.* /usr/lib/libicuuc.so.* >/dev/null 2>&1; then
  export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
fi
export PSModulePath="$here/Modules"
exec "$here/dotnet/dotnet" "$here/pwsh/pwsh.dll" -NoLogo -NoProfile "$@"
'@
Set-Content -Path (Join-Path $staging 'dlgpu') -Value $launcher.Replace("`r`n", "`n") -NoNewline
$runTests = @'
# Runs the Pester suite from the bundle (GPU-tagged tests in their own process, run for real when nvidia-smi lists a GPU).
# -Backend Gpu runs only the scenarios (tag Scenario) and the Gpu-tagged tests, on this machine's GPU.
& (Join-Path $PSScriptRoot 'tests/Invoke-Tests.ps1') -PesterManifest (Join-Path $PSScriptRoot 'Modules/Pester/Pester.psd1') `
    -ModuleRoot (Join-Path $PSScriptRoot 'Modules') -TestsPath (Join-Path $PSScriptRoot 'tests/Pester') `
    -FakesPath (Join-Path $PSScriptRoot 'fakes') @args
exit $LASTEXITCODE
'@
Set-Content -Path (Join-Path $staging 'run-tests.ps1') -Value $runTests
# The scheduler health check (the module's bin/dlgpu-healthcheck) with the bundle's own PowerShell, unless the
# settings file names another: exit 0 (usable) or 1 (drain) with the reason on one line; see docs/Test-GpuHealth.md.
$healthcheck = @'
#!/bin/sh
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
: "${DLGPU_PWSH:=$here/dlgpu}"
export DLGPU_PWSH
exec "$here/Modules/DlGpuTools/bin/dlgpu-healthcheck" "$@"
'@
Set-Content -Path (Join-Path $staging 'dlgpu-healthcheck') -Value $healthcheck.Replace("`r`n", "`n") -NoNewline
chmod +x (Join-Path $staging 'dlgpu') (Join-Path $staging 'dlgpu-healthcheck') (Join-Path $staging 'dotnet/dotnet')

$archive = Join-Path $OutDirectory "$name.tar.xz"
if (Test-Path $archive) { Remove-Item $archive }
$env:XZ_OPT = if ($env:XZ_OPT) { $env:XZ_OPT } else { '-9e -T0' } # a development bundle may trade size for speed
& tar -C (Split-Path $staging) -cJf $archive $name
if ($LASTEXITCODE -ne 0) { throw 'tar failed.' }
$size = (Get-Item $archive).Length
Write-Host ("Bundle: {0} ({1:N1} MB)" -f $archive, ($size / 1MB))
if ($size -gt $MaxBytes) { throw ("The bundle is {0:N1} MB, over the {1:N0} MB limit." -f ($size / 1MB), ($MaxBytes / 1MB)) }
