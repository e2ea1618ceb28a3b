# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

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
        $script = "`$ErrorActionPreference = 'Stop'; Import-Module '$ModuleManifest'; " +
            "`$o = Get-GpuReport $Argument; `$m = Get-GpuReport -AsMarkdown $Argument; " +
            "@{ Object = `$o; Markdown = `$m } | Export-Clixml -Depth 6 -Path '$out'"
        $pwsh = @(Get-PwshCommand)
        $start = [System.Diagnostics.ProcessStartInfo]::new($pwsh[0])
        foreach ($a in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $script)) {
            $start.ArgumentList.Add($a)
        }
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.Environment['DOTNET_GCHeapHardLimit'] = '0x40000000'
        foreach ($name in $Variable.Keys) {
            if ($null -eq $Variable[$name]) { [void]$start.Environment.Remove($name) } else {
                $start.Environment[$name] = [string]$Variable[$name]
            }
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
        New-Item -ItemType Directory -Force -Path (Join-Path $Prefix 'bin'), (Join-Path $site 'torch'),
            (Join-Path $site 'torch-2.5.1.dist-info') | Out-Null
        New-Item -ItemType File -Force -Path (Join-Path $Prefix 'bin/python3'), (Join-Path $Prefix 'pyvenv.cfg') | Out-Null
        # Literal paths: a hostile folder name holds [ and ], which -Path reads as a wildcard.
        if ($TorchVersionPy) { Set-Content -LiteralPath (Join-Path $site 'torch/version.py') -Value $TorchVersionPy }
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

    It 'gives cuBLAS the same full version as Test-CuDnnInstall, not the file name''s major' -Skip:$NoFakes {
        Use-FakeGpu
        $report = (Get-GpuReport).Libraries | Where-Object Name -eq 'cuBLAS'
        $check = Test-CuDnnInstall | Where-Object Id -eq 'cublas'
        $report.Version | Should -Be '13.1.0'
        $report.Version | Should -Be $check.Version
    }

    It 'exports to CSV as readable text, not type names' -Skip:$NoFakes {
        Use-FakeGpu
        $row = Get-GpuReport | ConvertTo-Csv | ConvertFrom-Csv
        foreach ($column in 'Gpus', 'Libraries', 'PythonEnvironments', 'EnvironmentVariables', 'Problems') {
            $row.$column | Should -Not -Match 'DlGpuTools\.|System\.' -Because "the $column column"
        }
        $row.Gpus | Should -Match 'GPU 0: NVIDIA Fake H100'
        $row.Libraries | Should -Match 'CUDA driver 13\.0'
        $check = Test-CuDnnInstall | Where-Object Id -eq 'gpus' | ConvertTo-Csv | ConvertFrom-Csv
        $check.Data | Should -Be 'Count=2'
    }

    It 'gives Markdown to paste, with every section' -Skip:$NoFakes {
        Use-FakeGpu
        $md = Get-GpuReport -AsMarkdown
        $md | Should -BeOfType ([string])
        foreach ($section in '## GPU report', '### GPUs', '### CUDA libraries this process loads', '### Python environments',
            '### Environment variables') {
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
    It ('finishes when Python environments hold a FIFO, a link to /dev/zero, a socket or a 2 MB file, ' +
        'and says why for each') -Skip:(-not $IsLinux) {
        if (Test-FakesAvailable) { Use-FakeGpu }
        $root = New-PrivateFolder
        $fifo = New-Venv (Join-Path $root 'fifo')
        & mkfifo $fifo
        $zero = New-Venv (Join-Path $root 'zero')
        New-Item -ItemType SymbolicLink -Path $zero -Target '/dev/zero' | Out-Null
        $sock = New-Venv (Join-Path $root 'sock')
        # A socket's address is at most 108 bytes: bound under a short name, then moved into place.
        $socket = [System.Net.Sockets.Socket]::new([System.Net.Sockets.AddressFamily]::Unix, [System.Net.Sockets.SocketType]::Stream,
            [System.Net.Sockets.ProtocolType]::Unspecified)
        $socket.Bind([System.Net.Sockets.UnixDomainSocketEndPoint]::new((Join-Path $root 's')))
        Move-Item (Join-Path $root 's') $sock
        $big = New-Venv (Join-Path $root 'big')
        [IO.File]::WriteAllText($big, 'cuda:' * (2MB / 5))
        New-Venv (Join-Path $root 'good') "__version__ = '2.5.1+cu124'`ncuda: Optional[str] = '12.4'" | Out-Null
        try {
            $path = (('fifo', 'zero', 'sock', 'big', 'good') | ForEach-Object { Join-Path $root "$_/bin" }) -join ':'
            $result = Invoke-GpuReportChild -Variable @{
                PATH = "$path`:/usr/bin:/bin"; VIRTUAL_ENV = $null; CONDA_PREFIX = $null
            } -TimeoutSeconds 90
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

    # Issue 26 item 13. Before: every one of these values was printed, the home folder in full, and the value's fence
    # closed the Markdown block so its image and heading rendered.
    It 'shows no secret in the object or the Markdown, home as ~, and nothing breaks out of the Markdown' -Skip:$NoFakes {
        Use-FakeGpu
        $root = New-PrivateFolder
        # A folder name may hold an image, an HTML tag and a pipe: a venv there, on PATH.
        New-Venv (Join-Path $root '![pwned](p.png)/<img src=x onerror=alert(1)>/a|b/venv') "__version__ = '2.5.1'" | Out-Null
        $ngc = 'nvapi-' + ('Q' * 20) + '7fA9' + ('z' * 40)
        $gh = 'ghp_' + ('a' * 36)
        $variables = @{
            NVIDIA_NGC_PAT = $ngc; NVIDIA_PASS = 'hunter2-pass'; CUDA_PWD = 's3cr3t-pwd'; CUDNN_BEARER = 'Bearer abc.def.ghi'
            NVIDIA_COOKIE = 'session=0123456789abcdef0123456789abcdef'
            NVIDIA_PRIVATE_PEM = "-----BEGIN PRIVATE KEY-----`nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC`n-----END PRIVATE KEY-----"
            NVIDIA_SIG = 'sv=2024&sig=Zm9vYmFy'
            CUDA_HOME = 'https://alice:correct-horse@mirror.example/cuda?token=tok123'
            CUDA_PATH = "/opt/cuda`n``````n![pwned](https://evil.example/p.png)`n# Owned by a variable"
            LD_LIBRARY_PATH = "$HOME/.local/cuda/lib64:/srv/$gh/lib"
            PATH = (Join-Path $root '![pwned](p.png)/<img src=x onerror=alert(1)>/a|b/venv/bin') + ':/usr/bin:/bin'
        }
        $result = Invoke-GpuReportChild -Variable $variables -TimeoutSeconds 90
        $object = [System.Management.Automation.PSSerializer]::Serialize($result.Object, 6)
        foreach ($secret in $ngc, 'hunter2-pass', 's3cr3t-pwd', 'abc.def.ghi', '0123456789abcdef0123456789abcdef',
            'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'Zm9vYmFy', 'correct-horse', 'tok123', $gh) {
            $object | Should -Not -Match ([regex]::Escape($secret)) -Because 'the object carries no secret'
            $result.Markdown | Should -Not -Match ([regex]::Escape($secret)) -Because 'the Markdown carries no secret'
        }
        ($result.Object.EnvironmentVariables | Where-Object Name -eq 'NVIDIA_PASS').ValueHidden | Should -BeTrue
        $result.Markdown | Should -Match 'NVIDIA_PASS \(value hidden\)'
        $result.Markdown | Should -Match ([regex]::Escape('https://***@mirror.example/cuda?token=***'))
        $result.Markdown | Should -Match ([regex]::Escape('~/.local/cuda/lib64'))
        $result.Markdown | Should -Not -Match ([regex]::Escape("$HOME/"))

        # Rendered as a pasted issue would be: our headings only, no image, no HTML from a value.
        $html = (ConvertFrom-Markdown -InputObject $result.Markdown).Html
        $html | Should -Not -Match '<img'
        $html | Should -Not -Match 'Owned by a variable</h'
        $html | Should -Not -Match '<h1'
        @([regex]::Matches($html, '<h[2-6]')).Count | Should -Be @([regex]::Matches($result.Markdown, '(?m)^#{2,6} ')).Count
        @([regex]::Matches($html, '<pre>')).Count | Should -Be 1
        $html | Should -Match '(?s)<pre><code>.*CUDA_PATH=.*LD_LIBRARY_PATH=.*</code></pre>'
    }

    It '-Redact also hides GPU UUIDs, the host name and user names, in the object and the Markdown' -Skip:$NoFakes {
        Use-FakeGpu
        $user = [Environment]::UserName
        $hostName = [Environment]::MachineName
        $variables = @{ LD_LIBRARY_PATH = "/home/alice/cuda/lib64:/mnt/$hostName/cuda/lib64:/srv/$user/lib:$HOME/lib" }
        $plain = Invoke-GpuReportChild -Variable $variables -TimeoutSeconds 90
        $uuid = $plain.Object.Gpus[0].Uuid
        $uuid | Should -Match '^GPU-'
        $plain.Markdown | Should -Match ([regex]::Escape($uuid))
        $plain.Object.Gpus[0].Uuid | Should -Be $uuid -Because 'without -Redact the object keeps what scripts join on'

        $redacted = Invoke-GpuReportChild -Variable $variables -Argument '-Redact' -TimeoutSeconds 90
        $object = [System.Management.Automation.PSSerializer]::Serialize($redacted.Object, 6)
        foreach ($text in $object, $redacted.Markdown) {
            $text | Should -Not -Match ([regex]::Escape($uuid))
            $text | Should -Not -Match ([regex]::Escape("/mnt/$hostName/"))
            $text | Should -Not -Match ([regex]::Escape("/srv/$user/"))
            $text | Should -Not -Match ([regex]::Escape('/home/alice/'))
            $text | Should -Not -Match ([regex]::Escape("$HOME/"))
        }
        $redacted.Markdown | Should -Match ([regex]::Escape('/mnt/<host>/cuda/lib64'))
        $redacted.Object.Gpus.Count | Should -Be 2
    }

    It 'serializes for remoting and keeps its list view' -Skip:$NoFakes {
        Use-FakeGpu
        $copy = [System.Management.Automation.PSSerializer]::Deserialize(
            [System.Management.Automation.PSSerializer]::Serialize((Get-GpuReport), 3))
        $copy.PSObject.TypeNames | Should -Contain 'Deserialized.DlGpuTools.GpuReport'
        $text = $copy | Format-List | Out-String -Width 80
        $text | Should -Match 'NVIDIA Fake H100'
        $text | Should -Match 'Libraries'
    }
}
