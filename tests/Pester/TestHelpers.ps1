# Dot-sourced by every test file: where the built module and the fake libraries are, and helpers to
# point the module at the fakes. The fakes read fake-gpu.conf beside them (see tests/fakes/fake_common.h).

Set-StrictMode -Version 3.0
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ModuleManifest = if ($env:DLGPUTOOLS_TEST_MODULE) { $env:DLGPUTOOLS_TEST_MODULE } else {
    Join-Path $RepoRoot 'out/DlGpuTools/DlGpuTools.psd1'
}
$script:FakesPath = if ($env:DLGPUTOOLS_TEST_FAKES) { $env:DLGPUTOOLS_TEST_FAKES } else { Join-Path $RepoRoot 'out/fakes' }
$script:CmdletFqid = 'DlGpuTools.Commands.GetCudaDeviceCommand'

function Use-FakeGpu {
    param([string[]] $Setting = @(), [string] $Driver = 'libfakecuda.so.1', [string] $Nvml = 'libfakenvml.so.1',
        [string] $CuBlasLt = 'libfakecublasLt.so.13', [string] $CuDnn = 'cudnn/libcudnn.so.9')
    $env:DLGPUTOOLS_CUDA_DRIVER_PATH = if ([IO.Path]::IsPathRooted($Driver)) { $Driver } else { Join-Path $script:FakesPath $Driver }
    $env:DLGPUTOOLS_NVML_PATH = if ([IO.Path]::IsPathRooted($Nvml)) { $Nvml } else { Join-Path $script:FakesPath $Nvml }
    $env:DLGPUTOOLS_CUDART_PATH = Join-Path $script:FakesPath 'libcudart.so.13'
    $env:DLGPUTOOLS_CUBLAS_PATH = Join-Path $script:FakesPath 'libcublas.so.13'
    $env:DLGPUTOOLS_CUDNN_PATH = Join-Path $script:FakesPath $CuDnn
    $env:DLGPUTOOLS_NCCL_PATH = Join-Path $script:FakesPath 'libnccl.so.2'
    $env:DLGPUTOOLS_CUBLASLT_PATH = if ([IO.Path]::IsPathRooted($CuBlasLt)) { $CuBlasLt } else { Join-Path $script:FakesPath $CuBlasLt }
    Set-Content -Path (Join-Path $script:FakesPath 'fake-gpu.conf') -Value $Setting
}

function Clear-FakeGpu {
    Remove-Item Env:\DLGPUTOOLS_CUDA_DRIVER_PATH, Env:\DLGPUTOOLS_NVML_PATH, Env:\DLGPUTOOLS_CUBLASLT_PATH, Env:\DLGPUTOOLS_CUDART_PATH,
        Env:\DLGPUTOOLS_CUBLAS_PATH, Env:\DLGPUTOOLS_CUDNN_PATH, Env:\DLGPUTOOLS_NCCL_PATH -ErrorAction SilentlyContinue
    Remove-Item (Join-Path $script:FakesPath 'fake-gpu.conf') -ErrorAction SilentlyContinue
}

function Test-FakesAvailable {
    $IsLinux -and (Test-Path (Join-Path $script:FakesPath 'libfakecuda.so.1'))
}

function Test-GpuPresent {
    # A real NVIDIA GPU with a working driver: nvidia-smi lists at least one device.
    $smi = Get-Command nvidia-smi -ErrorAction SilentlyContinue
    if (-not $smi) { return $false }
    $list = & $smi.Source -L 2>$null
    ($LASTEXITCODE -eq 0) -and ($list -match '^GPU \d+:')
}

# The backend the scenario tests (tag Scenario) run against: the fakes (Fake, the default and CI's) or this machine's
# real libraries and GPU (Gpu). tests/Invoke-Tests.ps1 -Backend sets it; a scenario asserts only what holds on both.
function Get-TestBackend {
    $backend = if ($env:DLGPUTOOLS_TEST_BACKEND) { $env:DLGPUTOOLS_TEST_BACKEND } else { 'Fake' }
    if ($backend -notin 'Fake', 'Gpu') { throw "DLGPUTOOLS_TEST_BACKEND is '$backend'; it takes Fake or Gpu." }
    $backend
}

function Get-TestBackendSkipReason {
    # Why the scenarios cannot run on the chosen backend here ($null when they can), for -Skip and a visible line.
    switch (Get-TestBackend) {
        'Fake' { if (-not (Test-FakesAvailable)) { "backend Fake: no fake libraries at $script:FakesPath (build.ps1 -Task Fakes)" } }
        'Gpu' { if (-not (Test-GpuPresent)) { 'backend Gpu: no NVIDIA GPU here (nvidia-smi -L lists none)' } }
    }
}

function Use-TestBackend {
    # Points the module at the fakes (Fake), with the fake settings given, or at the real libraries (Gpu: clears every
    # override, so the module searches as it would for a user). The settings only steer the fakes; Gpu ignores them.
    param([string[]] $FakeSetting = @())
    if ((Get-TestBackend) -eq 'Fake') { Use-FakeGpu -Setting $FakeSetting } else { Clear-FakeGpu }
}

function Get-PwshCommand {
    # This process's own pwsh: the dotnet host plus pwsh.dll when run as a dotnet tool, else the executable.
    $self = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    if ((Split-Path $self -Leaf) -match '^dotnet(\.exe)?$') { return @($self, [System.Reflection.Assembly]::GetEntryAssembly().Location) }
    @($self)
}

function Invoke-RunspaceStress {
    param([string] $FakesPath, [int] $Seconds = 20)
    $pwsh = @(Get-PwshCommand)
    $stressArgs = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'RunspaceStress.ps1'), '-ModuleManifest',
        $script:ModuleManifest, '-Seconds', $Seconds)
    if ($FakesPath) { $stressArgs += @('-FakesPath', $FakesPath) }
    $text = & $pwsh[0] (@($pwsh | Select-Object -Skip 1) + $stressArgs) 2>&1 | Out-String
    [pscustomobject]@{
        ExitCode = $LASTEXITCODE; Output = $text
        Summary = $(try { $text.Substring($text.IndexOf('{')) | ConvertFrom-Json } catch { $null })
    }
}

# The error ids a runspace may legitimately see while another changes the overrides: the driver is missing,
# too old, or shows no device. Anything else (a failed CUDA call, a wrong GEMM, ObjectDisposed) is a defect.
$script:ClassifiedErrorPattern =
    '^(CudaDriverNotFound|CudaDriverTooOld|CudaDeviceNotFound|DeviceIndexNotFound),DlGpuTools\.Commands\.\w+Command \['

# Test daemons and the files they need. Tests run as root in CI on a shared /tmp, so a predictable name there is a
# name another local user can take first; and a CI timeout stops a run with SIGTERM, which no AfterAll sees.

function Register-TestCleanup {
    # Lists something for the runner (tests/guarded-run.sh, which .ci/run uses) to remove when the run ends or is
    # stopped: the runner sets $env:DLGPUTOOLS_TEST_CLEANUP to a private file; elsewhere nothing is listed.
    param([Parameter(Mandatory)] [ValidateSet('dir', 'user')] [string] $Kind, [Parameter(Mandatory)] [string] $Value)
    if ($env:DLGPUTOOLS_TEST_CLEANUP) { Add-Content -LiteralPath $env:DLGPUTOOLS_TEST_CLEANUP -Value "$Kind $Value" }
}

function New-PrivateTempDirectory {
    <#
    .SYNOPSIS
        A new folder only this user can enter (mode 700), with a random name under the temporary folder; returns its path.
    .DESCRIPTION
        Made by mkdir(2) with the mode given, which fails on any name that exists (folder, file or symbolic link,
        dangling or not): a folder or link another user planted is refused, never reused, followed or loosened,
        and no one can enter the folder between its creation and a chmod. -Path makes that exact folder, with the same
        refusal (for callers that need a fixed place, and for the tests of this function).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [ValidatePattern('^[A-Za-z0-9._-]+$')] [string] $Prefix = 'dlgpu-',
        [string] $Parent = [IO.Path]::GetTempPath(),
        [string] $Path
    )
    if (-not $Path) {
        $random = [Convert]::ToHexString([Security.Cryptography.RandomNumberGenerator]::GetBytes(8)).ToLowerInvariant()
        $Path = Join-Path $Parent ($Prefix + $random)
    }
    if ($IsWindows) {
        # %TEMP% is the user's own on Windows; New-Item without -Force refuses an existing name.
        New-Item -ItemType Directory -Path $Path -ErrorAction Stop | Out-Null
    }
    else {
        $mkdir = (Get-Command -Name mkdir -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
        $why = & $mkdir -m 700 -- $Path 2>&1
        if ($LASTEXITCODE -ne 0) { throw "Refusing to use ${Path}: $why (a private folder must be new)." }
        # mkdir made it, so this holds; checked because everything written into it relies on it.
        $made = & stat -c '%u %a %F' -- $Path
        if ($made -ne "$(& id -u) 700 directory") { throw "$Path is not a private folder of this user: $made." }
    }
    Register-TestCleanup -Kind dir -Value $Path
    $Path
}

function Test-PdeathsigAvailable {
    # util-linux's setpriv has --pdeathsig from 2.33 (Debian 10, Ubuntu 20.04).
    $setpriv = Get-Command -Name setpriv -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    [bool]($setpriv -and ((& $setpriv.Source --help 2>&1) -match '--pdeathsig'))
}

function Start-TestDaemon {
    <#
    .SYNOPSIS
        Starts a daemon for a test, tied to this process: it dies when the test run dies, however it dies.
    .DESCRIPTION
        Through setpriv --pdeathsig KILL: the kernel sends the daemon SIGKILL when the thread that started it ends.
        That is the thread running the test file (Pester runs BeforeAll, the tests and AfterAll on it), which ends
        with the run, also on SIGTERM or SIGKILL, when no AfterAll runs. Start daemons from that thread, not from a
        thread job or a runspace that ends before the daemon should. Without setpriv the daemon starts plainly and
        only the runner (tests/guarded-run.sh kills the run's process group) or AfterAll stops it.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [Parameter(Mandatory)] [string[]] $ArgumentList,
        [Parameter(Mandatory)] [string] $LogPath
    )
    # Start-Process joins the arguments with spaces into one command line.
    if ($ArgumentList -match '[\s"'']') { throw "Start-TestDaemon takes arguments without spaces or quotes: $ArgumentList" }
    $start = @{ PassThru = $true; RedirectStandardError = $LogPath; RedirectStandardOutput = "$LogPath.out" }
    if (Test-PdeathsigAvailable) {
        Start-Process @start -FilePath (Get-Command -Name setpriv -CommandType Application |
            Select-Object -First 1).Source -ArgumentList (@('--pdeathsig', 'KILL', '--', $FilePath) + $ArgumentList)
    }
    else {
        Write-Warning "setpriv --pdeathsig (util-linux 2.33+) is not available: $FilePath outlives this process if it is killed."
        Start-Process @start -FilePath $FilePath -ArgumentList $ArgumentList
    }
}

function Stop-TestDaemon {
    param([Diagnostics.Process] $Process)
    if ($Process -and -not $Process.HasExited) {
        Stop-Process -Id $Process.Id -Force -ErrorAction SilentlyContinue; $Process.WaitForExit(5000) | Out-Null
    }
}

function New-TestLoginUser {
    <#
    .SYNOPSIS
        A throwaway system account for a test's SSH login, so a test sshd never has to let anyone in as root.
    .DESCRIPTION
        Home as given, shell /bin/sh (sshd runs the subsystem through it). useradd leaves the password '!', which sshd
        without PAM reads as a locked account and refuses even for a key; '*' allows no password but is not locked.
    #>
    param([Parameter(Mandatory)] [string] $HomeDirectory)
    $name = 'dlgpu' + [Convert]::ToHexString([Security.Cryptography.RandomNumberGenerator]::GetBytes(5)).ToLowerInvariant()
    $out = & useradd --system --user-group --no-create-home --home-dir $HomeDirectory --shell /bin/sh $name 2>&1
    if ($LASTEXITCODE -ne 0) { throw "useradd $name failed: $out" }
    Register-TestCleanup -Kind user -Value $name
    $out = & usermod -p '*' $name 2>&1
    if ($LASTEXITCODE -ne 0) { Remove-TestLoginUser $name; throw "usermod -p '*' $name failed: $out" }
    $name
}

function Remove-TestLoginUser {
    # userdel refuses a user with processes: a remote session still closing counts. Only this user's processes, by uid.
    param([Parameter(Mandatory)] [string] $Name)
    $uid = & id -u $Name 2>$null
    if ($LASTEXITCODE -ne 0) { return }
    foreach ($status in Get-ChildItem /proc -Directory -ErrorAction SilentlyContinue | Where-Object Name -match '^\d+$') {
        $line = Get-Content -LiteralPath (Join-Path $status.FullName 'status') -ErrorAction SilentlyContinue |
            Where-Object { $_ -like 'Uid:*' }
        if ($line -and ($line -split '\s+')[1] -eq $uid) { Stop-Process -Id ([int]$status.Name) -Force -ErrorAction SilentlyContinue }
    }
    # The killed processes take a moment to go.
    for ($try = 0; $try -lt 20; $try++) {
        $out = & userdel $Name 2>&1
        if ($LASTEXITCODE -eq 0) { return }
        Start-Sleep -Milliseconds 100
    }
    Write-Warning "userdel $Name failed: $out"
}

function Invoke-BoundedPwsh {
    # Runs a script in a child pwsh (module imported) from a given folder with extra variables, and kills it
    # after $Seconds: a hang or a crash of the host must be a failed test, not a stuck or dead suite.
    param([string] $Script, [string] $WorkingDirectory, [hashtable] $Environment = @{}, [int] $Seconds = 60)
    $pwsh = @(Get-PwshCommand)
    $start = [Diagnostics.ProcessStartInfo]::new($pwsh[0])
    foreach ($a in @($pwsh | Select-Object -Skip 1) +
        @('-NoProfile', '-NonInteractive', '-Command', "Import-Module '$script:ModuleManifest'; $Script")) { $start.ArgumentList.Add($a) }
    $start.WorkingDirectory = $WorkingDirectory
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    foreach ($name in @($start.Environment.Keys | Where-Object { $_ -like 'DLGPUTOOLS_*' })) { [void]$start.Environment.Remove($name) }
    foreach ($key in $Environment.Keys) { $start.Environment[$key] = $Environment[$key] }
    $process = [Diagnostics.Process]::Start($start)
    $out = $process.StandardOutput.ReadToEndAsync()
    $err = $process.StandardError.ReadToEndAsync()
    $finished = $process.WaitForExit($Seconds * 1000)
    if (-not $finished) { $process.Kill($true); $process.WaitForExit() }
    [pscustomobject]@{ TimedOut = -not $finished; ExitCode = $process.ExitCode; Output = $out.Result + $err.Result }
}
