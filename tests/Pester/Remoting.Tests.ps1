# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    # What AfterAll cleans up, unset until made (strict mode: AfterAll must not read a variable the setup never set).
    $script:Daemon = $script:User = $script:Dir = $script:Login = $null
    # A throwaway sshd on loopback, run by root, that lets in one throwaway non-root user by key; its powershell
    # subsystem is a copy of OUR pwsh. Nothing a local user could have planted or can reach: root's files in a
    # new private folder, StrictModes on, no root login.
    $script:Sshd = '/usr/sbin/sshd'
    $script:Why = if (-not $IsLinux) { 'the SSH remoting test runs on Linux' }
    elseif ((& id -u) -ne '0') { 'the SSH remoting test runs as root (its sshd lets in a throwaway user it makes)' }
    elseif (-not (Test-Path $Sshd)) { 'openssh-server is not installed (build.ps1 -Task Test installs it as root on Debian/Ubuntu)' }
    elseif (-not (Get-Command ssh -ErrorAction SilentlyContinue)) { 'no ssh client on PATH' }
    elseif (-not (Get-Command useradd -ErrorAction SilentlyContinue)) { 'no useradd (it makes the login user)' } else { $null }
    if ($Why) { return }

    function Copy-PwshRuntime([string] $Destination) {
        # This pwsh, copied where the login user can read it (it cannot read root's NuGet cache, where the local
        # dotnet tool lives, nor a clone under /root); returns the command line that runs the copy.
        $pwsh = @(Get-PwshCommand)
        New-Item -ItemType Directory -Path $Destination | Out-Null
        & cp -R $PSHOME (Join-Path $Destination 'pwsh')
        if ($pwsh.Count -eq 1) { $command = Join-Path $Destination "pwsh/$(Split-Path $pwsh[0] -Leaf)" }
        else {
            # dotnet and pwsh.dll: the muxer, its hostfxr and the shared runtime this process runs on.
            $dotnet = Join-Path $Destination 'dotnet'
            New-Item -ItemType Directory -Path (Join-Path $dotnet 'host'), (Join-Path $dotnet 'shared/Microsoft.NETCore.App') | Out-Null
            & cp $pwsh[0] $dotnet
            & cp -R (Join-Path (Split-Path $pwsh[0]) 'host/fxr') (Join-Path $dotnet 'host')
            $runtimeFolder = [Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory().TrimEnd('/')
            & cp -R $runtimeFolder (Join-Path $dotnet 'shared/Microsoft.NETCore.App')
            $command = "$(Join-Path $dotnet (Split-Path $pwsh[0] -Leaf)) $(Join-Path $Destination "pwsh/$(Split-Path $pwsh[1] -Leaf)")"
        }
        & chmod -R 'a+rX,go-w' $Destination
        $command
    }

    # Root's: host key, client key, config, log.
    $script:Dir = New-PrivateTempDirectory -Prefix 'dlgpu-sshd-'
    # The login user's: its home, and the runtime, module and fakes it runs, which only root can change. With
    # StrictModes, sshd accepts authorized_keys only if it and every folder above it up to the home belong to root
    # or the user and no one else can write them; the walk stops at the home, so /tmp above it does not count.
    $script:Login = New-PrivateTempDirectory -Prefix 'dlgpu-sshlogin-'
    & chmod 755 $Login
    $script:LoginHome = Join-Path $Login 'home'
    New-Item -ItemType Directory -Path $LoginHome | Out-Null
    $script:User = New-TestLoginUser -HomeDirectory $LoginHome
    & chown "${User}:${User}" $LoginHome
    & chmod 700 $LoginHome
    & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $Dir 'host_key') | Out-Null
    & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $Dir 'client_key') | Out-Null
    $script:AuthorizedKeys = Join-Path $LoginHome 'authorized_keys'
    Copy-Item (Join-Path $Dir 'client_key.pub') $AuthorizedKeys
    & chmod 644 $AuthorizedKeys
    $runtime = Join-Path $Login 'runtime'
    $subsystem = Copy-PwshRuntime $runtime
    & cp -R (Split-Path $ModuleManifest) (Join-Path $runtime 'DlGpuTools')
    & cp -R $FakesPath (Join-Path $runtime 'fakes')
    & chmod -R 'a+rX,go-w' $runtime
    $script:RemoteManifest = Join-Path $runtime "DlGpuTools/$(Split-Path $ModuleManifest -Leaf)"
    $script:RemoteFakes = Join-Path $runtime 'fakes'

    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start(); $script:Port = $listener.LocalEndpoint.Port; $listener.Stop()
    $script:Config = Join-Path $Dir 'sshd_config'
    @(
        "Port $Port", 'ListenAddress 127.0.0.1', "HostKey $(Join-Path $Dir 'host_key')", "PidFile $(Join-Path $Dir 'sshd.pid')",
        "AuthorizedKeysFile $AuthorizedKeys", 'PubkeyAuthentication yes', 'PasswordAuthentication no',
        'KbdInteractiveAuthentication no', 'PermitRootLogin no', "AllowUsers $User", 'StrictModes yes',
            'DisableForwarding yes', 'UsePAM no',
        "Subsystem powershell $subsystem -sshs -NoLogo -NoProfile"
        # Set by a test that reuses this setup (CollectiveRemoting.Tests.ps1) for commands that log in themselves: the login
        # environment then finds the module and the fakes, as a real host's would find the module and the driver.
        if (Get-Variable RemoteLoginEnvironment -ValueOnly -ErrorAction Ignore) {
            "SetEnv PSModulePath=$runtime DLGPUTOOLS_CUDA_DRIVER_PATH=$(Join-Path $RemoteFakes 'libfakecuda.so.1') " +
            "DLGPUTOOLS_NVML_PATH=$(Join-Path $RemoteFakes 'libfakenvml.so.1') " +
            "DLGPUTOOLS_NCCL_PATH=$(Join-Path $RemoteFakes 'libnccl.so.2')"
        }
    ) | Set-Content -Path $Config
    if (-not (Test-Path /run/sshd)) { New-Item -ItemType Directory -Path /run/sshd -Force | Out-Null } # privilege separation directory
    $script:Daemon = Start-TestDaemon -FilePath $Sshd -ArgumentList '-D', '-e', '-f', $Config -LogPath (Join-Path $Dir 'sshd.log')
    $deadline = [DateTime]::UtcNow.AddSeconds(10)
    while ([DateTime]::UtcNow -lt $deadline) {
        try { $c = [System.Net.Sockets.TcpClient]::new('127.0.0.1', $Port); $c.Dispose(); break } catch { Start-Sleep -Milliseconds 100 }
    }
    $script:SshOptions = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' }
    $script:Remote = @{
        HostName = '127.0.0.1'; Port = $Port; UserName = $User; KeyFilePath = (Join-Path $Dir 'client_key'); Options = $SshOptions
    }
    # The remote side loads the module and the fake driver from the copies: the environment does not cross SSH.
    $script:RemoteSetup = {
        param($Manifest, $Fakes)
        $env:DLGPUTOOLS_CUDA_DRIVER_PATH = Join-Path $Fakes 'libfakecuda.so.1'
        $env:DLGPUTOOLS_NVML_PATH = Join-Path $Fakes 'libfakenvml.so.1'
        Import-Module $Manifest
    }

    function Use-RemoteFakeGpu([string[]] $Setting) {
        # The fakes read fake-gpu.conf beside themselves: the remote side's copy gets this side's.
        Use-FakeGpu -Setting $Setting
        Copy-Item (Join-Path $FakesPath 'fake-gpu.conf') $RemoteFakes -Force
    }
}

AfterAll {
    if ($script:Daemon) { Stop-TestDaemon $script:Daemon }
    if ($script:User) { Remove-TestLoginUser $User }
    foreach ($folder in $script:Dir, $script:Login) {
        if ($folder) { Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue }
    }
    Clear-FakeGpu
}

Describe 'The fleet over PowerShell remoting (SSH to a loopback sshd)' -Skip:$NoFakes {
    BeforeEach { if ($Why) { Set-ItResult -Skipped -Because $Why } }
    AfterEach { Clear-FakeGpu }

    It 'runs Test-GpuHealth and Get-CudaDevice remotely; the results deserialize with their views, by PSComputerName' {
        Use-RemoteFakeGpu -Setting 'FAKENVML_ECC_HISTORY=0', 'FAKENVML_GPU0_PROCESSES=0', 'FAKENVML_PCIE_REPLAYS=1200'
        $setup = $RemoteSetup
        $out = @(Invoke-Command @Remote -ErrorAction Stop -ArgumentList $RemoteManifest, $RemoteFakes -ScriptBlock {
                param($Manifest, $Fakes)
                & ([scriptblock]::Create($using:setup)) $Manifest $Fakes
                Test-GpuHealth -XidWatchSeconds 0
                Get-CudaDevice
            })
        $report = $out | Where-Object { $_.PSObject.TypeNames[0] -eq 'Deserialized.DlGpuTools.GpuHealthReport' }
        @($report).Count | Should -Be 1
        $report.PSComputerName | Should -Be '127.0.0.1'
        $report.Verdict | Should -Be 'Degraded'
        $report.Reason | Should -Match '^GPU 0: PCIe replays'
        @($report.Checks).Count | Should -BeGreaterThan 10
        $table = $report | Out-String -Width 80
        # PowerShell appends its PSComputerName column to remote objects' tables; the view leaves it room.
        $table | Should -Match 'Verdict\s+Action\s+GPUs\s+Reason\s+PSComputerName'
        $table | Should -Match 'Degraded\s+Watch\s+2\s+GPU 0: PCIe replays.*127\.0\.0\.1'
        ($table -split "`n" | Where-Object { $_.TrimEnd().Length -gt 80 }) | Should -BeNullOrEmpty
        $devices = @($out | Where-Object { $_.PSObject.TypeNames[0] -eq 'Deserialized.DlGpuTools.CudaDevice' })
        $devices.Count | Should -Be 2
        ($devices | Group-Object PSComputerName).Name | Should -Be '127.0.0.1'
        # Get-CudaDevice's view fills 80 columns, so PowerShell's PSComputerName column needs a wider console
        # (or Invoke-Command -HideComputerName).
        ($devices | Out-String -Width 120) | Should -Match 'NVIDIA Fake H100.*127\.0\.0\.1'
    }

    It 'answers -Quiet remotely as a plain bool, as a fleet script tests it' {
        Use-RemoteFakeGpu -Setting 'FAKENVML_ECC_HISTORY=0', 'FAKENVML_GPU0_PROCESSES=0', 'FAKENVML_REMAP_FAILED=1'
        $setup = $RemoteSetup
        $ok = Invoke-Command @Remote -ErrorAction Stop -ArgumentList $RemoteManifest, $RemoteFakes -ScriptBlock {
            param($Manifest, $Fakes)
            & ([scriptblock]::Create($using:setup)) $Manifest $Fakes
            Test-GpuHealth -Quiet -XidWatchSeconds 0
        }
        $ok | Should -BeOfType ([bool])
        $ok | Should -BeFalse
    }

    It 'runs its sshd locked down: root''s files in a new private folder, StrictModes on, a non-root login and no root login' {
        & stat -c '%u %a %F' -- $Dir | Should -Be '0 700 directory'
        (Split-Path $Dir -Leaf) | Should -Match '^dlgpu-sshd-[0-9a-f]{16}$'
        $config = Get-Content $Config
        $config | Should -Contain 'StrictModes yes'
        $config | Should -Contain 'PermitRootLogin no'
        $config | Should -Contain "AllowUsers $User"
        [int](& id -u $User) | Should -Not -Be 0
        & stat -c '%U %a' -- $AuthorizedKeys | Should -Be 'root 644'
        Invoke-Command @Remote -ErrorAction Stop -ScriptBlock { [Environment]::UserName } | Should -Be $User
        # Root is refused even with the authorized key.
        $asRoot = @{} + $Remote; $asRoot.UserName = 'root'
        { Invoke-Command @asRoot -ErrorAction Stop -ScriptBlock { 'in' } } | Should -Throw
    }

    It 'refuses the key once authorized_keys is writable by others: StrictModes is in force' {
        & chmod 666 $AuthorizedKeys
        try { { Invoke-Command @Remote -ErrorAction Stop -ScriptBlock { 'in' } } | Should -Throw }
        finally { & chmod 644 $AuthorizedKeys }
        Get-Content (Join-Path $Dir 'sshd.log') -Raw | Should -Match 'bad ownership or modes'
    }
}
