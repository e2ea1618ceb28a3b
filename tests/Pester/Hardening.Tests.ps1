# The outside review's hostile inputs, through the cmdlets: FIFOs, devices and links where files belong, a fleet's
# bad sample, search paths that name the current directory, truncated and crafted libraries, control characters
# in other users' process names. What could hang or kill the host runs in a child pwsh with a deadline.

# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable)
    $script:IsRoot = $IsLinux -and ((& id -u) -eq '0')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force

}

AfterAll { Clear-FakeGpu }

Describe 'Export-GpuMetric replaces only what it should' -Skip:($NoFakes) {
    BeforeAll {
        Use-FakeGpu -Setting 'FAKENVML_GPU0_PROCESSES=0'
        $script:Samples = @(Get-GpuSample)
        $script:Folder = New-PrivateTempDirectory -Prefix 'dlgpu-hostile-'
    }
    AfterAll {
        Clear-FakeGpu
        Remove-Item $Folder -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'refuses a FIFO, a link, a dangling link and a folder with MetricPathNotAFile, and leaves each as it was' {
        & mkfifo (Join-Path $Folder 'fifo.prom')
        Set-Content -Path (Join-Path $Folder 'real.prom') -Value 'kept'
        & ln -s (Join-Path $Folder 'real.prom') (Join-Path $Folder 'link.prom')
        & ln -s (Join-Path $Folder 'nowhere') (Join-Path $Folder 'dangling.prom')
        [void](New-Item -ItemType Directory -Path (Join-Path $Folder 'folder.prom'))
        foreach ($name in 'fifo.prom', 'link.prom', 'dangling.prom', 'folder.prom') {
            $err = $null
            $Samples | Export-GpuMetric -Path (Join-Path $Folder $name) -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'MetricPathNotAFile,DlGpuTools.Commands.ExportGpuMetricCommand' -Because $name
            $err[0].ErrorDetails.RecommendedAction | Should -Match 'regular \.prom file'
        }
        (& stat -c %F (Join-Path $Folder 'fifo.prom')) | Should -Be 'fifo'
        (& stat -c %F (Join-Path $Folder 'link.prom')) | Should -Be 'symbolic link'
        Get-Content (Join-Path $Folder 'real.prom') | Should -Be 'kept'
        (& stat -c %F (Join-Path $Folder 'dangling.prom')) | Should -Be 'symbolic link'
        Test-Path (Join-Path $Folder 'nowhere') | Should -BeFalse
        @(Get-ChildItem -Force $Folder -Filter '*.tmp').Count | Should -Be 0
    }

    It 'refuses a device node, as root would otherwise turn /dev/null into a file' -Skip:(-not $IsRoot) {
        # A null device of our own (major 1, minor 3) stands in for /dev/null, so a regression harms nothing.
        $device = Join-Path $Folder 'null.prom'
        & mknod $device c 1 3
        $Samples | Export-GpuMetric -Path $device -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'MetricPathNotAFile,DlGpuTools.Commands.ExportGpuMetricCommand'
        $err[0].Exception.Message | Should -Match 'a character device'
        (& stat -c %F $device) | Should -Be 'character special file'
    }

    It 'keeps an existing file''s mode and group, and makes a new file 0644 whatever the umask' -Skip:(-not $IsLinux) {
        $kept = Join-Path $Folder 'kept.prom'
        Set-Content -Path $kept -Value 'old'
        & chmod 640 $kept
        if ($IsRoot) { & chown 0:65534 $kept }
        $Samples | Export-GpuMetric -Path $kept
        (& stat -c %a $kept) | Should -Be '640'
        if ($IsRoot) { (& stat -c %g $kept) | Should -Be '65534' }

        # node_exporter's user must read a new file even when the writer runs under umask 077.
        $fresh = Join-Path $Folder 'fresh.prom'
        $pwsh = (@(Get-PwshCommand) | ForEach-Object { "'$_'" }) -join ' '
        # The child inherits this process's DLGPUTOOLS_* variables, so it samples the fakes too.
        $export = "Import-Module '$ModuleManifest'; Get-GpuSample | Export-GpuMetric -Path '$fresh'"
        & bash -c "umask 077 && $pwsh -NoProfile -NonInteractive -Command `"$export`""
        (& stat -c %a $fresh) | Should -Be '644'
    }

    It 'writes dlgputools_export_up 0 and an error when no sample came, instead of an empty file' {
        $path = Join-Path $Folder 'outage.prom'
        $Samples | Export-GpuMetric -Path $path
        @() | Export-GpuMetric -Path $path -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'NoGpuSamplesExported,DlGpuTools.Commands.ExportGpuMetricCommand'
        $text = Get-Content -Raw $path
        $text | Should -Match '(?m)^dlgputools_export_up 0$'
        $text | Should -Not -Match 'DCGM_'
        $Samples | Export-GpuMetric -Path $path
        Get-Content -Raw $path | Should -Match '(?m)^dlgputools_export_up 1$'
    }

    It 'exports the rest of a fleet when one host''s sample is bad, with InputNotGpuSample for that one' {
        $good = $Samples[0] | ConvertTo-Json -Depth 3 | ConvertFrom-Json
        $bad = $Samples[1] | ConvertTo-Json -Depth 3 | ConvertFrom-Json
        $bad.Index = 'abc'
        $path = Join-Path $Folder 'fleet.prom'
        @($bad, $good) | Export-GpuMetric -Path $path -ErrorVariable err -ErrorAction SilentlyContinue
        @($err).Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'InputNotGpuSample,DlGpuTools.Commands.ExportGpuMetricCommand'
        $err[0].Exception.Message | Should -Match "Index 'abc' is not a Int32"
        Get-Content -Raw $path | Should -Match ('DCGM_FI_DEV_GPU_TEMP\{gpu="0",UUID="' + [regex]::Escape($Samples[0].Uuid))
    }

    It 'lets two runspaces that create the same new file both succeed' {
        # Pairs of writers race to create each file; the second rename must replace the first, not fail "exists".
        $samples = $Samples
        $folder = $Folder
        $manifest = $ModuleManifest
        $errors = 0..599 | ForEach-Object -ThrottleLimit 2 -Parallel {
            Import-Module $using:manifest
            $path = Join-Path $using:folder ('race-{0}.prom' -f [math]::Floor($_ / 2))
            $using:samples | Export-GpuMetric -Path $path -ErrorAction SilentlyContinue -ErrorVariable e
            $e | ForEach-Object { $_.Exception.Message }
        }
        @($errors) | Should -BeNullOrEmpty
        @(Get-ChildItem $Folder -Filter 'race-*.prom').Count | Should -Be 300
    }

    It 'keeps two hosts'' GPUs apart when they have the same index and no UUID' {
        $a = [pscustomobject]@{ Index = 0; Uuid = $null; ComputerName = 'node-a'; Name = 'GPU'; TemperatureC = 40 }
        $b = [pscustomobject]@{ Index = 0; Uuid = $null; ComputerName = 'node-b'; Name = 'GPU'; TemperatureC = 70 }
        $lines = (@($a, $b) | ConvertTo-GpuPrometheus) -split "`n" | Where-Object { $_ -like 'DCGM_FI_DEV_GPU_TEMP{*' }
        @($lines).Count | Should -Be 2
        $lines -join "`n" | Should -Match 'hostname="node-a"\} 40'
        $lines -join "`n" | Should -Match 'hostname="node-b"\} 70'
    }
}

Describe 'Card and price tables that never end' -Skip:(-not $IsLinux) {
    BeforeAll { $script:Folder = New-PrivateTempDirectory -Prefix 'dlgpu-hostile-' }
    AfterAll { Remove-Item $Folder -Recurse -Force -ErrorAction SilentlyContinue }

    It 'refuses <Name> quickly with a clear error' -ForEach @(
        @{ Name = '/dev/zero'; Make = { '/dev/zero' } }
        @{ Name = 'a link to /dev/zero'; Make = { $p = Join-Path $Folder 'zero.csv'; & ln -sf /dev/zero $p; $p } }
        @{ Name = 'a FIFO'; Make = { $p = Join-Path $Folder 'cards.csv'; if (-not (Test-Path $p)) { & mkfifo $p }; $p } }
    ) {
        $path = & $Make
        $probe = "Get-GpuSpec 'H100' -CardTable '$path' -ErrorAction SilentlyContinue -ErrorVariable e | Out-Null; " +
            "`$e[0].FullyQualifiedErrorId; `$e[0].Exception.Message; " +
            "Get-GpuRecommendation -Budget 2000 -PriceTable '$path' -ErrorAction SilentlyContinue -ErrorVariable p | Out-Null; " +
            "`$p[0].Exception.Message"
        $run = Invoke-BoundedPwsh -WorkingDirectory $Folder -Seconds 60 -Script $probe
        $run.TimedOut | Should -BeFalse -Because 'reading a device or FIFO must not hang'
        $run.Output | Should -Match 'not a regular file'
    }
}

Describe 'Libraries are loaded from absolute paths only, and never from where the user stands' -Skip:($NoFakes) {
    BeforeAll { $script:Folder = New-PrivateTempDirectory -Prefix 'dlgpu-hostile-' }
    AfterAll { Remove-Item $Folder -Recurse -Force -ErrorAction SilentlyContinue }

    It 'does not load a libcuda.so.1 planted in the working folder through an empty LD_LIBRARY_PATH entry, and warns' {
        $plant = Join-Path $Folder 'planted'
        [void](New-Item -ItemType Directory -Path $plant)
        Copy-Item (Join-Path $FakesPath 'libfakecuda.so.1') (Join-Path $plant 'libcuda.so.1')
        Copy-Item (Join-Path $FakesPath 'libfakenvml.so.1') (Join-Path $plant 'libnvidia-ml.so.1')
        # The trailing ':' of `export LD_LIBRARY_PATH=/usr/local/cuda/lib64:$LD_LIBRARY_PATH` with an empty variable.
        $run = Invoke-BoundedPwsh -WorkingDirectory $plant -Environment @{
            LD_LIBRARY_PATH = '/usr/local/cuda/lib64:'
        } -Script 'Get-CudaDevice 3>&1 2>&1 | Out-String -Width 200'
        $run.TimedOut | Should -BeFalse
        $run.Output | Should -Not -Match 'NVIDIA Fake' -Because 'the planted fake driver must not load'
        $run.Output | Should -Match 'LD_LIBRARY_PATH has an empty entry'
    }

    It 'reads a relative DLGPUTOOLS_CUDA_DRIVER_PATH against PowerShell''s location, not the process''s' {
        $relative = @{ DLGPUTOOLS_CUDA_DRIVER_PATH = './libfakecuda.so.1'; DLGPUTOOLS_NVML_PATH = './libfakenvml.so.1' }
        $run = Invoke-BoundedPwsh -WorkingDirectory $Folder -Environment $relative `
            -Script "Set-Location '$FakesPath'; (Get-CudaDevice).Name -join ';'"
        $run.TimedOut | Should -BeFalse
        $run.Output | Should -Match 'NVIDIA Fake H100'
    }

    It 'refuses a truncated library named by a relative path instead of dying of SIGBUS' {
        $bytes = [IO.File]::ReadAllBytes((Join-Path $FakesPath 'libfakecuda.so.1'))
        [IO.File]::WriteAllBytes((Join-Path $Folder 'libtrunc.so.1'), $bytes[0..([int]($bytes.Length / 3))])
        $run = Invoke-BoundedPwsh -WorkingDirectory $Folder -Environment @{ DLGPUTOOLS_CUDA_DRIVER_PATH = './libtrunc.so.1' } `
            -Script 'Get-CudaDevice -ErrorAction SilentlyContinue -ErrorVariable e; $e[0].FullyQualifiedErrorId; $e[0].Exception.Message'
        $run.TimedOut | Should -BeFalse
        $run.ExitCode | Should -Be 0 -Because "pwsh must not die (135 is SIGBUS); it said: $($run.Output)"
        $run.Output | Should -Match 'CudaDriverNotFound'
        $run.Output | Should -Match 'truncated'
    }

    It 'refuses a FIFO at the driver''s path and at a cuDNN sub-library''s path without hanging' {
        $fifo = Join-Path $Folder 'libcuda-fifo.so.1'
        & mkfifo $fifo
        $cudnn = Join-Path $Folder 'cudnn'
        Copy-Item -Recurse (Join-Path $FakesPath 'cudnn') $cudnn
        Remove-Item (Join-Path $cudnn 'libcudnn_ops.so.9')
        & mkfifo (Join-Path $cudnn 'libcudnn_ops.so.9')
        $run = Invoke-BoundedPwsh -WorkingDirectory $Folder -Seconds 90 -Environment @{ DLGPUTOOLS_CUDA_DRIVER_PATH = $fifo } `
            -Script 'Get-CudaDevice -ErrorAction SilentlyContinue -ErrorVariable e; $e[0].Exception.Message'
        $run.TimedOut | Should -BeFalse -Because 'a FIFO at the driver path must not hang the host'
        $run.Output | Should -Match 'FIFO'
        $env = @{
            DLGPUTOOLS_CUDA_DRIVER_PATH = Join-Path $FakesPath 'libfakecuda.so.1'
            DLGPUTOOLS_NVML_PATH = Join-Path $FakesPath 'libfakenvml.so.1'
            DLGPUTOOLS_CUDART_PATH = Join-Path $FakesPath 'libcudart.so.13'; DLGPUTOOLS_CUBLAS_PATH = Join-Path $FakesPath 'libcublas.so.13'
            DLGPUTOOLS_CUBLASLT_PATH = Join-Path $FakesPath 'libfakecublasLt.so.13'
            DLGPUTOOLS_CUDNN_PATH = Join-Path $cudnn 'libcudnn.so.9'
        }
        $run = Invoke-BoundedPwsh -WorkingDirectory $Folder -Seconds 90 -Environment $env `
            -Script "(Test-CuDnnInstall | Where-Object Id -eq 'cudnn-sublibraries').Detail"
        $run.TimedOut | Should -BeFalse -Because 'a FIFO among cuDNN''s sub-libraries must not hang the check'
        $run.Output | Should -Match 'libcudnn_ops\.so\.9.*FIFO'
    }

    It 'reports a crafted ELF header as damaged under the usual error id' {
        $header = [byte[]]::new(128)
        [byte[]](0x7F, 0x45, 0x4C, 0x46, 2, 1, 1) | ForEach-Object -Begin { $i = 0 } -Process { $header[$i++] = $_ }
        [BitConverter]::GetBytes([uint16]3).CopyTo($header, 16)
        [BitConverter]::GetBytes([uint16]62).CopyTo($header, 18)
        [BitConverter]::GetBytes([uint64]::MaxValue - 439).CopyTo($header, 32) # program headers that wrap around to byte 8
        [BitConverter]::GetBytes([uint16]56).CopyTo($header, 54)
        [BitConverter]::GetBytes([uint16]8).CopyTo($header, 56)
        $crafted = Join-Path $Folder 'libcrafted.so.1'
        [IO.File]::WriteAllBytes($crafted, $header)
        $run = Invoke-BoundedPwsh -WorkingDirectory $Folder -Environment @{ DLGPUTOOLS_CUDA_DRIVER_PATH = $crafted } `
            -Script 'Get-CudaDevice -ErrorAction SilentlyContinue -ErrorVariable e; $e[0].FullyQualifiedErrorId; $e[0].Exception.Message'
        $run.ExitCode | Should -Be 0
        $run.Output | Should -Match 'CudaDriverNotFound'
        $run.Output | Should -Match 'a damaged ELF header'
        $run.Output | Should -Not -Match 'IndexOutOfRange'
    }
}

Describe 'Other users'' process names cannot drive the admin''s terminal' -Skip:($NoFakes) {
    BeforeAll {
        # A process whose name (comm) and command line hold ESC and BEL, as any user on a shared node can start.
        # bash -c SCRIPT NAME: NAME becomes the process's argv[0], so it shows in /proc/<pid>/cmdline as given.
        $start = [Diagnostics.ProcessStartInfo]::new('bash')
        foreach ($a in '-c', 'printf ''x\033]0;owned\007y'' > /proc/$$/comm; sleep 60; true', "`e[2J`e[31mfake`nline") {
            $start.ArgumentList.Add($a)
        }
        $script:Hostile = [Diagnostics.Process]::Start($start)
        Start-Sleep -Milliseconds 300
        Use-FakeGpu -Setting 'FAKENVML_GPU0_PROCESSES=1', "FAKENVML_GPU0_PID=$($Hostile.Id)"
    }
    AfterAll {
        if ($Hostile -and -not $Hostile.HasExited) { Stop-Process -Id $Hostile.Id -Force }
        Clear-FakeGpu
    }

    It 'shows no control character in Get-GpuProcess, Get-CudaDevice or Watch-Gpu, and keeps each command on one line' {
        $texts = @(
            (Get-GpuProcess | Out-String -Width 300)
            (Get-GpuProcess | Format-List * | Out-String -Width 300)
            (Get-CudaDevice -Index 0 | Format-List * | Out-String -Width 300)
            (Watch-Gpu -Plain -Count 1 -Interval 0.1 | Out-String -Width 300)
        )
        foreach ($text in $texts) {
            $text | Should -Not -Match '[\x00-\x08\x0B-\x0C\x0E-\x1F\x7F]'
        }
        $texts[1] | Should -Match 'x\^\[\]0;owned\^Gy'
        $texts[1] | Should -Match '\^\[\[2J\^\[\[31mfake line'
    }
}
