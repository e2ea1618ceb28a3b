BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force

    function Invoke-GpuReportChild {
        # Get-GpuReport (object and Markdown) in a child pwsh that has these variables ($null removes one), killed after
        # $TimeoutSeconds: a report that hangs fails the test instead of stopping the run, and its GC heap is capped at
        # 1 GiB, so a runaway read fails within seconds instead of taking the machine's memory.
        param([hashtable] $Variable = @{}, [string] $Argument = '', [int] $TimeoutSeconds = 120)
        $out = Join-Path $TestDrive ('report-' + [guid]::NewGuid().ToString('N') + '.xml')
        $script = "`$ErrorActionPreference = 'Stop'; Import-Module '$ModuleManifest'; `$o = Get-GpuReport $Argument; `$m = Get-GpuReport -AsMarkdown $Argument; " +
            "@{ Object = `$o; Markdown = `$m } | Export-Clixml -Depth 6 -Path '$out'"
        $pwsh = @(Get-PwshCommand)
        $start = [System.Diagnostics.ProcessStartInfo]::new($pwsh[0])
        foreach ($a in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $script)) { $start.ArgumentList.Add($a) }
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.Environment['DOTNET_GCHeapHardLimit'] = '0x40000000'
        foreach ($name in $Variable.Keys) {
            if ($null -eq $Variable[$name]) { [void]$start.Environment.Remove($name) } else { $start.Environment[$name] = [string]$Variable[$name] }
        }
        $child = [System.Diagnostics.Process]::Start($start)
        $stdout = $child.StandardOutput.ReadToEndAsync()
        $stderr = $child.StandardError.ReadToEndAsync()
        if (-not $child.WaitForExit($TimeoutSeconds * 1000)) {
            $child.Kill($true)
            $child.WaitForExit()
            throw "Get-GpuReport did not finish within $TimeoutSeconds s (killed): it hangs or runs away."
        }
        $child.WaitForExit()
        $output = $stdout.Result + $stderr.Result
        if ($child.ExitCode -ne 0 -or -not (Test-Path $out)) { throw "The child pwsh failed (exit $($child.ExitCode)): $output" }
        Import-Clixml $out
    }

    function New-PrivateFolder {
        # Hostile files live in a folder of their own: random name, mode 0700, inside TestDrive (removed by Pester).
        $path = Join-Path $TestDrive ('hostile-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        [void][IO.Directory]::CreateDirectory($path, [IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
        $path
    }

    function New-Venv([string] $Prefix, [string] $TorchVersionPy) {
        # A venv with python3 in bin (so PATH finds it) and torch's dist-info; version.py is planted by the caller.
        $site = Join-Path $Prefix 'lib/python3.11/site-packages'
        New-Item -ItemType Directory -Force -Path (Join-Path $Prefix 'bin'), (Join-Path $site 'torch'), (Join-Path $site 'torch-2.5.1.dist-info') | Out-Null
        New-Item -ItemType File -Force -Path (Join-Path $Prefix 'bin/python3'), (Join-Path $Prefix 'pyvenv.cfg') | Out-Null
        if ($TorchVersionPy) { Set-Content -Path (Join-Path $site 'torch/version.py') -Value $TorchVersionPy }
        Join-Path $site 'torch/version.py'
    }
}

AfterAll {
    Clear-FakeGpu
}

Describe 'Get-GpuReport' {
    AfterEach {
        Clear-FakeGpu
        Remove-Item Env:\NVIDIA_TEST_API_KEY, Env:\DLGPU_UNRELATED_VARIABLE -ErrorAction SilentlyContinue
    }

    It 'reports the fake GPUs and libraries, and only the relevant variables' -Skip:$NoFakes {
        Use-FakeGpu
        $env:NVIDIA_TEST_API_KEY = 'nvapi-secret-value'
        $env:DLGPU_UNRELATED_VARIABLE = 'not for the report'
        $report = Get-GpuReport
        $report | Should -BeOfType ([DlGpuTools.GpuReport])
        $report.Gpus.Count | Should -Be 2
        $report.DriverVersion | Should -Be '580.159.04'
        ($report.Libraries | Where-Object Name -eq 'cuDNN').Path | Should -Be $env:DLGPUTOOLS_CUDNN_PATH
        $names = $report.EnvironmentVariables.Name
        $names | Should -Contain 'DLGPUTOOLS_CUDA_DRIVER_PATH'
        $names | Should -Not -Contain 'DLGPU_UNRELATED_VARIABLE'
        ($report.EnvironmentVariables | Where-Object Name -eq 'NVIDIA_TEST_API_KEY').Value | Should -Not -Match 'secret-value'
        $report.ModuleVersion | Should -Be (Get-Module DlGpuTools).Version.ToString()
    }

    It 'gives Markdown to paste, with every section' -Skip:$NoFakes {
        Use-FakeGpu
        $md = Get-GpuReport -AsMarkdown
        $md | Should -BeOfType ([string])
        foreach ($section in '## GPU report', '### GPUs', '### CUDA libraries this process loads', '### Python environments', '### Environment variables') {
            $md | Should -Match ([regex]::Escape($section))
        }
        $md | Should -Match 'NVIDIA Fake H100 80GB HBM3'
    }

    It 'still reports the rest when there is no driver, and says what it searched' {
        $env:DLGPUTOOLS_CUDA_DRIVER_PATH = '/nonexistent/libcuda.so.1'
        $report = Get-GpuReport
        $report.Gpus.Count | Should -Be 0
        ($report.Libraries | Where-Object Name -eq 'CUDA driver').Problem | Should -Match '/nonexistent/libcuda.so.1'
        $report.OperatingSystem | Should -Not -BeNullOrEmpty
    }

    # Issue 26 item 9. Before: the child hung on the FIFO and was killed after the timeout.
    It 'finishes when Python environments hold a FIFO, a link to /dev/zero, a socket or a 2 MB file, and says why for each' -Skip:(-not $IsLinux) {
        if (Test-FakesAvailable) { Use-FakeGpu }
        $root = New-PrivateFolder
        $fifo = New-Venv (Join-Path $root 'fifo')
        & mkfifo $fifo
        $zero = New-Venv (Join-Path $root 'zero')
        New-Item -ItemType SymbolicLink -Path $zero -Target '/dev/zero' | Out-Null
        $sock = New-Venv (Join-Path $root 'sock')
        # A socket's address is at most 108 bytes: bound under a short name, then moved into place.
        $socket = [System.Net.Sockets.Socket]::new([System.Net.Sockets.AddressFamily]::Unix, [System.Net.Sockets.SocketType]::Stream, [System.Net.Sockets.ProtocolType]::Unspecified)
        $socket.Bind([System.Net.Sockets.UnixDomainSocketEndPoint]::new((Join-Path $root 's')))
        Move-Item (Join-Path $root 's') $sock
        $big = New-Venv (Join-Path $root 'big')
        [IO.File]::WriteAllText($big, 'cuda:' * (2MB / 5))
        New-Venv (Join-Path $root 'good') "__version__ = '2.5.1+cu124'`ncuda: Optional[str] = '12.4'" | Out-Null
        try {
            $path = (('fifo', 'zero', 'sock', 'big', 'good') | ForEach-Object { Join-Path $root "$_/bin" }) -join ':'
            $result = Invoke-GpuReportChild -Variable @{ PATH = "$path`:/usr/bin:/bin"; VIRTUAL_ENV = $null; CONDA_PREFIX = $null } -TimeoutSeconds 90
        }
        finally {
            $socket.Dispose()
        }

        $envs = @($result.Object.PythonEnvironments | Where-Object Prefix -like "$root/*")
        $envs.Count | Should -Be 5
        $good = $envs | Where-Object Prefix -eq (Join-Path $root 'good')
        $good.TorchCuda | Should -Be '12.4'
        $good.Problem | Should -BeNullOrEmpty
        $expected = @{ fifo = 'FIFO'; zero = 'character device'; sock = 'socket'; big = 'more than' }
        foreach ($name in $expected.Keys) {
            $e = $envs | Where-Object Prefix -eq (Join-Path $root $name)
            $e.Torch | Should -Be '2.5.1' -Because "$name still has its version from dist-info"
            $e.Problem | Should -Match $expected[$name] -Because "$name says why version.py was skipped"
            $result.Object.Problems -match [regex]::Escape((Join-Path $root $name)) | Should -Not -BeNullOrEmpty
        }
        $result.Markdown | Should -Match 'Python environments'
    }

    It 'serializes for remoting and keeps its list view' -Skip:$NoFakes {
        Use-FakeGpu
        $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize((Get-GpuReport), 3))
        $copy.PSObject.TypeNames | Should -Contain 'Deserialized.DlGpuTools.GpuReport'
        $text = $copy | Format-List | Out-String -Width 80
        $text | Should -Match 'NVIDIA Fake H100'
        $text | Should -Match 'Libraries'
    }
}
