# Runs for real on a machine with an NVIDIA GPU (nvidia-smi lists one); skipped, with the reason, elsewhere.
# Only what needs a real GPU: comparisons with nvidia-smi and PyTorch, real timings and memory. What holds on any GPU,
# fake or real, is in Scenarios.Tests.ps1, which runs on both backends.

# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:HasGpu = Test-GpuPresent
    $script:SkipReason = if ($HasGpu) { $null } else { 'no NVIDIA GPU here (nvidia-smi -L lists none)' }
    if (-not $HasGpu) { Write-Host "Gpu-tagged tests are skipped: $SkipReason." }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Clear-FakeGpu
    Import-Module $ModuleManifest -Force

    function Get-SmiDevices {
        $fields = 'uuid,name,pci.bus_id,memory.total,driver_version,compute_cap'
        $lines = & nvidia-smi "--query-gpu=$fields" --format=csv,noheader,nounits
        foreach ($line in $lines) {
            $v = $line -split ',\s*'
            [pscustomobject]@{ Uuid = $v[0]; Name = $v[1]; PciBusId = $v[2]; MemoryMiB = [long]$v[3]; Driver = $v[4]; ComputeCap = $v[5] }
        }
    }

    function Get-TorchDevices {
        $python = Get-Command python3 -ErrorAction SilentlyContinue
        if (-not $python) { return $null }
        $code = 'import json, torch; print(json.dumps([dict(name=p.name, uuid=str(p.uuid), total=p.total_memory, ' +
            'major=p.major, minor=p.minor, mp=p.multi_processor_count, bus=p.pci_bus_id, domain=p.pci_domain_id, dev=p.pci_device_id) ' +
            'for p in (torch.cuda.get_device_properties(i) for i in range(torch.cuda.device_count()))]))'
        $json = & $python.Source -c $code 2>$null
        if ($LASTEXITCODE -ne 0) { return $null }
        $json | ConvertFrom-Json
    }
}

Describe 'Get-CudaDevice on a real GPU' -Tag 'Gpu' -Skip:(-not $HasGpu) {
    BeforeAll {
        $script:Devices = @(Get-CudaDevice -WarningVariable script:Warnings)
        $script:Smi = @(Get-SmiDevices)
    }

    It 'sees as many devices as nvidia-smi (no CUDA_VISIBLE_DEVICES here)' {
        if ($env:CUDA_VISIBLE_DEVICES) { Set-ItResult -Skipped -Because 'CUDA_VISIBLE_DEVICES is set' }
        $Devices.Count | Should -Be $Smi.Count
        $Warnings.Count | Should -Be 0
    }

    It 'matches nvidia-smi on name, UUID, PCI bus id, total memory, driver and compute capability' {
        foreach ($d in $Devices) {
            $s = $Smi | Where-Object Uuid -eq $d.Uuid
            $s | Should -Not -BeNullOrEmpty -Because "nvidia-smi lists $($d.Uuid)"
            $d.Name | Should -Be $s.Name
            $d.PciBusId | Should -Be $s.PciBusId
            # nvidia-smi's memory.total is the board's (NVML); CUDA's total excludes what the driver reserves.
            [long]($d.NvmlTotalMemory / 1MB) | Should -Be $s.MemoryMiB
            $d.TotalMemory | Should -BeLessOrEqual $d.NvmlTotalMemory
            $d.DriverVersion | Should -Be $s.Driver
            $d.ComputeCapability | Should -Be $s.ComputeCap
        }
    }

    It 'matches PyTorch''s torch.cuda.get_device_properties' {
        $torch = Get-TorchDevices
        if ($null -eq $torch) { Set-ItResult -Skipped -Because 'python3 with torch is not available here'; return }
        @($torch).Count | Should -Be $Devices.Count
        for ($i = 0; $i -lt $Devices.Count; $i++) {
            $t = @($torch)[$i]
            $d = $Devices[$i]
            $d.Name | Should -Be $t.name
            $d.Uuid | Should -Be ('GPU-' + $t.uuid.ToLowerInvariant())
            $d.TotalMemory | Should -Be ([uint64]$t.total)
            $d.ComputeCapability | Should -Be "$($t.major).$($t.minor)"
            $d.MultiprocessorCount | Should -Be $t.mp
            $d.PciBusId | Should -Be ('{0:X8}:{1:X2}:{2:X2}.0' -f [int]$t.domain, [int]$t.bus, [int]$t.dev)
        }
    }

    It 'shows a process that uses the GPU' {
        $python = Get-Command python3 -ErrorAction SilentlyContinue
        if (-not $python) { Set-ItResult -Skipped -Because 'python3 is not available to start a GPU process'; return }
        $holdMemory = '"import torch,time; x=torch.empty(256*1024*1024, dtype=torch.uint8, device=''cuda:0''); ' +
            'torch.cuda.synchronize(); time.sleep(25)"'
        $job = Start-Process -FilePath $python.Source -ArgumentList '-c', $holdMemory -PassThru
        try {
            $found = $null
            # The process shows up once it has a context (a few MiB), and with its 256 MiB once the tensor exists.
            for ($i = 0; $i -lt 40 -and -not $found; $i++) {
                Start-Sleep -Milliseconds 500
                $found = (Get-CudaDevice -Index 0).Processes | Where-Object { $_.ProcessId -eq $job.Id -and $_.UsedMemory -ge 256MB }
            }
            $found | Should -Not -BeNullOrEmpty
            $found.UsedMemory | Should -BeGreaterOrEqual 256MB
        }
        finally {
            Stop-Process -Id $job.Id -ErrorAction SilentlyContinue
        }
    }
}

Describe 'The card table on a real GPU' -Tag 'Gpu' -Skip:(-not $HasGpu) {
    It 'finds this machine''s GPU by the name the driver reports, with consistent figures' {
        foreach ($d in Get-CudaDevice) {
            $spec = $d | Get-GpuSpec
            $spec | Should -Not -BeNullOrEmpty -Because "the table should know '$($d.Name)'"
            $spec.ComputeCapability | Should -Be $d.ComputeCapability
            $spec.Architecture | Should -Be $d.Architecture
            # The board's memory in GB (10^9) against the datasheet figure: within 10% (H200: 150.7 GB usable of 141 "GB" marketed).
            [math]::Abs($d.TotalMemory / 1e9 - $spec.MemoryGB) / $spec.MemoryGB | Should -BeLessThan 0.10
            # The theoretical bandwidth from clocks against the datasheet: within 10%.
            [math]::Abs($d.MemoryBandwidthGBps - $spec.MemoryBandwidthGBps) / $spec.MemoryBandwidthGBps | Should -BeLessThan 0.10
        }
    }

    It 'rates this machine''s GPU from the pipeline' {
        $r = @(Get-CudaDevice | Select-Object -First 1 | Get-GpuRecommendation -Workload LLMInference)
        $r[0].Kind | Should -Be 'Current'
        $r[0].Speed | Should -BeGreaterThan 0 # the performance model's expected speed (RTX 3090 = 1)
    }
}

Describe 'Measure-GpuMatMul on a real GPU' -Tag 'Gpu' -Skip:(-not $HasGpu) {
    It 'measures every type it supports, verified, from the pipeline' {
        $device = Get-CudaDevice -Index 0
        $types = @('FP64', 'FP32', 'TF32', 'FP16', 'BF16') +
            $(if ($device.ComputeCapabilityMajor * 10 + $device.ComputeCapabilityMinor -ge 89) { 'FP8' })
        $r = @($device | Measure-GpuMatMul -DataType $types -Size 2048 -Iterations 5)
        $r.Count | Should -Be $types.Count
        $expected = @{ FP64 = 'FP64'; FP32 = 'FP32'; TF32 = 'FP32 (TF32 inputs)'; FP16 = 'FP32'; BF16 = 'FP32'; FP8 = 'FP32' }
        foreach ($x in $r) {
            $x.Accumulation | Should -Be $expected[$x.DataType]
            $x.Tflops | Should -BeGreaterThan 1
            if ($null -ne $x.PercentOfPeak) {
                $x.PercentOfPeak | Should -BeLessThan 110 -Because "$($x.DataType) cannot beat its datasheet peak"
            }
        }
        $bf16 = $r | Where-Object DataType -eq 'BF16'
        $fp32 = $r | Where-Object DataType -eq 'FP32'
        $bf16.Tflops |
            Should -BeGreaterThan (4 * $fp32.Tflops) -Because 'tensor cores are several times faster than FP32 on any tensor-core GPU'
    }

    It 'runs FP8 without fast accumulation by default and with it on request, both within their tolerances' {
        $device = Get-CudaDevice -Index 0
        if ($device.ComputeCapabilityMajor * 10 + $device.ComputeCapabilityMinor -lt 89) {
            Set-ItResult -Skipped -Because "compute capability $($device.ComputeCapability) has no FP8"; return
        }
        # A result at all means it passed verification (a failure is a MatMulVerificationFailed error, made terminating here).
        $exact = $device | Measure-GpuMatMul -DataType FP8 -Size 4096 -Iterations 5 -ErrorAction Stop
        $fast = $device | Measure-GpuMatMul -DataType FP8 -Size 4096 -Iterations 5 -FastAccumulation -ErrorAction Stop
        Write-Host ("FP8 4096: {0:0} TFLOPS, error {1:0.0E+0} ({2}); fast: {3:0} TFLOPS, error {4:0.0E+0}" -f $exact.Tflops,
            $exact.RelativeError, $exact.Accumulation, $fast.Tflops, $fast.RelativeError)
        $exact.Accumulation | Should -Be 'FP32'
        $fast.Accumulation | Should -Be 'FP32 fast (FP8 tensor-core partial sums)'
    }

    It 'holds no GPU memory once it returns, and none more after 100 runs' {
        $before = (Get-CudaDevice -Index 0).FreeMemory
        $watch = [Diagnostics.Stopwatch]::StartNew()
        for ($i = 0; $i -lt 100; $i++) {
            $null = Measure-GpuMatMul -Index 0 -DataType FP16 -Size 256 -Iterations 1 -Warmup 0 -AlgorithmCandidates 1
        }
        $watch.Stop()
        $device = Get-CudaDevice -Index 0
        $after = $device.FreeMemory
        $memoryFormat = 'GPU free memory before 100 runs: {0:N0} bytes; after: {1:N0} bytes; difference {2:N0}; ' +
            '{3:N0} ms a run, context creation included'
        Write-Host ($memoryFormat -f $before, $after, ($before - $after), ($watch.ElapsedMilliseconds / 100))
        [math]::Abs([double]$before - $after) | Should -BeLessOrEqual 4MB
        # The context goes with the command: this process is no longer among the GPU's compute processes.
        # Strict mode refuses a property of an empty list, which is what a GPU without processes gives.
        @($device.Processes | ForEach-Object ProcessId) | Should -Not -Contain $PID
    }

    It 'stops within a moment on Ctrl+C and frees its memory' {
        $null = Measure-GpuMatMul -Index 0 -DataType BF16 -Size 1024 -Iterations 1 -Warmup 0 -AlgorithmCandidates 1
        $before = (Get-CudaDevice -Index 0).FreeMemory
        $ps = [powershell]::Create()
        $null = $ps.AddCommand('Import-Module').AddParameter('Name',
            $ModuleManifest).AddStatement().AddCommand('Measure-GpuMatMul').AddParameter('Index', 0).AddParameter('DataType',
                'BF16').AddParameter('Size', 8192).AddParameter('Iterations', 100000)
        $null = $ps.BeginInvoke()
        $deadline = (Get-Date).AddSeconds(30)
        while ((Get-CudaDevice -Index 0).FreeMemory -gt $before - 256MB -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 200 }
        Start-Sleep -Seconds 2
        $during = (Get-CudaDevice -Index 0).FreeMemory
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $watch.Stop()
        $ps.Dispose()
        $after = (Get-CudaDevice -Index 0).FreeMemory
        Write-Host ("Stop took {0:N0} ms; free memory before {1:N0}, while running {2:N0}, after stopping {3:N0}" -f
            $watch.ElapsedMilliseconds, $before, $during, $after)
        $during | Should -BeLessThan ($before - 256MB) -Because 'the run had its buffers allocated when it was stopped'
        $watch.ElapsedMilliseconds | Should -BeLessThan 3000
        [math]::Abs($before - $after) | Should -BeLessOrEqual 4MB
    }
}

Describe 'Test-CuDnnInstall on a real GPU' -Tag 'Gpu' -Skip:(-not $HasGpu) {
    BeforeAll {
        $script:Checks = @(Test-CuDnnInstall -ErrorAction SilentlyContinue)
        $script:Check = @{}
        foreach ($c in $Checks) { $Check[$c.Id] = $c }
        Write-Host (($Checks | ForEach-Object { '{0,-8} {1,-34} {2}' -f $_.Status, $_.Name, $_.Detail }) -join [Environment]::NewLine)
    }

    It 'passes every check or warns honestly' {
        $failed = @($Checks | Where-Object Status -eq 'Failed')
        $failed | Should -BeNullOrEmpty -Because (($failed | ForEach-Object { "$($_.Name): $($_.Detail)" }) -join '; ')
        Test-CuDnnInstall -Quiet | Should -BeTrue
    }

    It 'reports the driver nvidia-smi reports' {
        $smi = (& nvidia-smi --query-gpu=driver_version --format=csv,noheader | Select-Object -First 1).Trim()
        $Check['driver'].Version | Should -Be $smi
    }

    It 'reports the CUDA runtime of the toolkit and what PyTorch was built for' {
        $runtimeFile = Split-Path -Leaf $Check['cuda-runtime'].Path
        $runtimeFile | Should -Match ('^libcudart\.so\.' + [regex]::Escape($Check['cuda-runtime'].Version))
        $python = Get-Command python3 -ErrorAction SilentlyContinue
        if ($python) {
            $torch = (& $python.Source -c 'import torch; print(torch.version.cuda, torch.backends.cudnn.version())') -split ' '
            $Check['pytorch'].Data['TorchCuda'] | Should -Be $torch[0]
            $v = [int]$torch[1]
            $decoded = if ($v -ge 10000) {
                '{0}.{1}.{2}' -f [math]::Floor($v / 10000), [math]::Floor(($v % 10000) / 100), ($v % 100)
            } else { '{0}.{1}.{2}' -f [math]::Floor($v / 1000), [math]::Floor(($v % 1000) / 100), ($v % 100) }
            $Check['pytorch'].Data['TorchCudnn'] | Should -BeLike "$decoded*"
        }
    }

    It 'says where the sub-libraries come from when a folder with only libcudnn.so.9 comes first on the search path' {
        $loaded = $Check['cudnn'].Path
        $broken = New-PrivateTempDirectory -Prefix 'dlgpu-broken-cudnn-'
        Copy-Item $loaded (Join-Path $broken 'libcudnn.so.9')
        $self = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
        $entry = @()
        if ((Split-Path $self -Leaf) -match '^dotnet') { $entry = @([System.Reflection.Assembly]::GetEntryAssembly().Location) }
        $saved = $env:LD_LIBRARY_PATH
        try {
            $env:LD_LIBRARY_PATH = $broken + $(if ($saved) { ':' + $saved })
            $both = "Import-Module '$ModuleManifest'; `$q = Test-CuDnnInstall -Quiet; " +
                "`$r = Test-CuDnnInstall -ErrorAction SilentlyContinue; " +
                "[pscustomobject]@{ Quiet = `$q; Checks = `$r } | ConvertTo-Json -Depth 4"
            $json = & $self @entry -NoProfile -NonInteractive -Command $both
        }
        finally {
            $env:LD_LIBRARY_PATH = $saved
            Remove-Item $broken -Recurse -Force
        }
        $result = $json | ConvertFrom-Json
        $subs = $result.Checks | Where-Object Id -eq 'cudnn-sublibraries'
        Write-Host "Broken install: $($subs.Status): $($subs.Detail) FIX: $($subs.Remedy)"
        ($result.Checks | Where-Object Id -eq 'cudnn').Path | Should -BeLike "$broken*"
        $subs.Detail | Should -Match 'libcudnn_graph\.so\.9'
        # cuDNN loads its sub-libraries by name: where the loader's search finds the same release (a system cuDNN in
        # the ld.so cache), they load from there, the convolution runs, and that is a Warning naming each file's
        # folder; where it finds none, cuDNN's operations fail, and so does the check.
        $elsewhere = [bool]((& ldconfig -p 2>$null) -match 'libcudnn_graph\.so\.9 ')
        if ($elsewhere) {
            $subs.Status | Should -Be 'Warning'
            $subs.Detail | Should -Match 'libcudnn_graph\.so\.9 from /\S+ \(9\.'
            ($result.Checks | Where-Object Id -eq 'cudnn-convolution').Status | Should -Be 'Passed'
            $result.Quiet | Should -BeTrue
        }
        else {
            $subs.Status | Should -Be 'Failed'
            $result.Quiet | Should -BeFalse
        }
    }
}

Describe 'Several runspaces on a real GPU' -Tag 'Gpu' -Skip:(-not $HasGpu) {
    It 'survive 20 s of override flips, re-imports, listing and measuring, with only classified errors' {
        $run = Invoke-RunspaceStress -Seconds 20
        $run.ExitCode | Should -Be 0 -Because $run.Output
        foreach ($r in $run.Summary.Runspaces) {
            $errors = ($r.Errors | ForEach-Object { "$($_.Id) x$($_.Count)" }) -join '; '
            Write-Host ("    {0,-10} {1,6} iterations; errors: {2}" -f $r.Runspace, $r.Iterations,
                $(if ($errors) { $errors } else { 'none' }))
        }

        @($run.Summary.Runspaces | ForEach-Object { @($_.Errors) } |
            Where-Object { $null -ne $_ -and $_.Id -notmatch $ClassifiedErrorPattern } | ForEach-Object { $_.Id }) | Should -BeNullOrEmpty
        ($run.Summary.Runspaces | Where-Object Runspace -eq 'measurer').Iterations | Should -BeGreaterThan 0
    }
}

Describe 'Measure-GpuSpeedup on a real GPU' -Tag 'Gpu' -Skip:(-not $HasGpu) {
    It 'pairs every GPU type with a verified CPU figure from a real BLAS, and the tensor-core types win by more than FP32' {
        $r = @(Measure-GpuSpeedup -DataType FP32, TF32,
            BF16 -Size 2048 -NoMlpShape -Iterations 3 -ErrorAction Stop -InformationVariable info)
        # BF16 meets the CPU's BF16 and its FP32 where the BLAS has a BF16 GEMM (PyTorch's MKL there), else its FP32 only.
        $cpuHasBf16 = @($r | Where-Object CpuDataType -eq 'BF16').Count -gt 0
        $r.Count | Should -Be $(if ($cpuHasBf16) { 4 } else { 3 })
        @($r | Where-Object GpuDataType -eq 'BF16').CpuDataType | Should -Be $(if ($cpuHasBf16) { @('BF16', 'FP32') } else { 'FP32' })
        foreach ($x in $r) {
            $x.Cpu.IsManagedFallback | Should -BeFalse -Because 'the GPU machine has OpenBLAS (and PyTorch''s MKL)'
            $x.Cpu.RelativeError | Should -BeLessOrEqual $x.Cpu.Tolerance
            $x.GpuTflops | Should -BeGreaterThan 1
            $x.Speedup | Should -Be ([math]::Round($x.GpuTflops / $x.CpuTflops, 1))
        }
        $fp32 = $r | Where-Object GpuDataType -eq 'FP32'
        $bf16 = $r | Where-Object GpuDataType -eq 'BF16' | Select-Object -First 1
        $fp32.Speedup | Should -BeGreaterThan 1
        ($bf16.GpuTflops / $fp32.GpuTflops) | Should -BeGreaterThan 4
        "$($info.MessageData)" | Should -Match 'for strict FP32 \d+x'
        Write-Host ($r | Format-Table | Out-String) "$($info.MessageData)"
    }

    It 'measures the CPU at FP32 through the best BLAS on every physical core' {
        $r = Measure-CpuMatMul -Size 2048 -Iterations 3 -ErrorAction Stop
        $r.Library | Should -Not -Match 'managed|reference'
        $r.Threads | Should -BeGreaterThan 1
        $r.PeakTflops | Should -BeGreaterThan 0
        $r.PercentOfPeak |
            Should -BeLessThan 150 -Because 'the peak uses the base clock where there is no cpufreq; far above it means a wrong table row'
    }
}
