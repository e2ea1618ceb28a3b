BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    # A throwaway sshd on loopback with its own host key and one authorized key, running OUR pwsh as its
    # powershell subsystem (PowerShell is a local dotnet tool here: the subsystem runs the same dotnet and pwsh.dll).
    $script:Sshd = '/usr/sbin/sshd'
    $script:Why = if (-not $IsLinux) { 'the SSH remoting test runs on Linux' } elseif (-not (Test-Path $Sshd)) { 'openssh-server is not installed (build.ps1 -Task Test installs it as root on Debian/Ubuntu)' } elseif (-not (Get-Command ssh -ErrorAction SilentlyContinue)) { 'no ssh client on PATH' } else { $null }
    if ($Why) { return }
    $script:Dir = Join-Path ([IO.Path]::GetTempPath()) "dlgpu-sshd-$PID"
    New-Item -ItemType Directory -Path $Dir -Force | Out-Null
    & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $Dir 'host_key') | Out-Null
    & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $Dir 'client_key') | Out-Null
    Copy-Item (Join-Path $Dir 'client_key.pub') (Join-Path $Dir 'authorized_keys')
    & chmod 600 (Join-Path $Dir 'client_key') (Join-Path $Dir 'authorized_keys')
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start(); $script:Port = $listener.LocalEndpoint.Port; $listener.Stop()
    $process = (Get-Process -Id $PID).Path
    $subsystem = if ((Split-Path $process -Leaf) -like 'dotnet*') { "$process $(Join-Path $PSHOME 'pwsh.dll')" } else { $process }
    $config = Join-Path $Dir 'sshd_config'
    @(
        "Port $Port", 'ListenAddress 127.0.0.1', "HostKey $(Join-Path $Dir 'host_key')", "PidFile $(Join-Path $Dir 'sshd.pid')",
        "AuthorizedKeysFile $(Join-Path $Dir 'authorized_keys')", 'PubkeyAuthentication yes', 'PasswordAuthentication no',
        'KbdInteractiveAuthentication no', 'PermitRootLogin prohibit-password', 'StrictModes no', 'UsePAM no',
        "Subsystem powershell $subsystem -sshs -NoLogo -NoProfile"
    ) | Set-Content -Path $config
    if (-not (Test-Path /run/sshd)) { New-Item -ItemType Directory -Path /run/sshd -Force | Out-Null } # privilege separation directory
    $script:Daemon = Start-Process -FilePath $Sshd -ArgumentList '-D', '-e', '-f', $config -RedirectStandardError (Join-Path $Dir 'sshd.log') -PassThru
    $deadline = [DateTime]::UtcNow.AddSeconds(10)
    while ([DateTime]::UtcNow -lt $deadline) {
        try { $c = [System.Net.Sockets.TcpClient]::new('127.0.0.1', $Port); $c.Dispose(); break } catch { Start-Sleep -Milliseconds 100 }
    }
    $script:Remote = @{
        HostName = '127.0.0.1'; Port = $Port; UserName = [Environment]::UserName; KeyFilePath = (Join-Path $Dir 'client_key')
        Options = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' }
    }
    # The remote side loads the module from this build and the fake driver: the environment does not cross SSH.
    $script:RemoteSetup = {
        param($Manifest, $Fakes)
        $env:DLGPUTOOLS_CUDA_DRIVER_PATH = Join-Path $Fakes 'libfakecuda.so.1'
        $env:DLGPUTOOLS_NVML_PATH = Join-Path $Fakes 'libfakenvml.so.1'
        Import-Module $Manifest
    }
}

AfterAll {
    if ($script:Daemon) { Stop-Process -Id $Daemon.Id -ErrorAction SilentlyContinue; $Daemon.WaitForExit(5000) | Out-Null }
    if ($script:Dir) { Remove-Item $Dir -Recurse -Force -ErrorAction SilentlyContinue }
    Clear-FakeGpu
}

Describe 'The fleet over PowerShell remoting (SSH to a loopback sshd)' -Skip:$NoFakes {
    BeforeEach { if ($Why) { Set-ItResult -Skipped -Because $Why } }
    AfterEach { Clear-FakeGpu }

    It 'runs Test-GpuHealth and Get-CudaDevice remotely; the results deserialize with their views, by PSComputerName' {
        # The fake's settings file is on this machine, which is also the remote side.
        Use-FakeGpu -Setting 'FAKENVML_ECC_HISTORY=0', 'FAKENVML_GPU0_PROCESSES=0', 'FAKENVML_PCIE_REPLAYS=1200'
        $setup = $RemoteSetup
        $out = @(Invoke-Command @Remote -ErrorAction Stop -ArgumentList $ModuleManifest, $FakesPath -ScriptBlock {
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
        Use-FakeGpu -Setting 'FAKENVML_ECC_HISTORY=0', 'FAKENVML_GPU0_PROCESSES=0', 'FAKENVML_REMAP_FAILED=1'
        $setup = $RemoteSetup
        $ok = Invoke-Command @Remote -ErrorAction Stop -ArgumentList $ModuleManifest, $FakesPath -ScriptBlock {
            param($Manifest, $Fakes)
            & ([scriptblock]::Create($using:setup)) $Manifest $Fakes
            Test-GpuHealth -Quiet -XidWatchSeconds 0
        }
        $ok | Should -BeOfType ([bool])
        $ok | Should -BeFalse
    }
}
