# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable)
    $script:HasGpu = Test-GpuPresent
    $script:NodeExporter = Get-Command prometheus-node-exporter -ErrorAction SilentlyContinue
    $script:NodeExporterMissing = $NoFakes -or -not $NodeExporter
    if (-not $NodeExporter) {
        Write-Host ('SKIP node_exporter scrape test: prometheus-node-exporter is not installed and could not be installed here ' +
            '(needs root on Debian/Ubuntu; see tools/Install-TestPrerequisites.ps1).')
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    $script:GpmSettings = @('FAKENVML_GPM=1,0', 'FAKENVML_GPM_2=91.5', 'FAKENVML_GPM_3=40', 'FAKENVML_GPM_5=83',
        'FAKENVML_GPM_7=80', 'FAKENVML_GPM_10=55',
        'FAKENVML_GPM_11=1', 'FAKENVML_GPM_12=12', 'FAKENVML_GPM_13=3', 'FAKENVML_CLOCK_EVENTS=0x4', 'FAKENVML_ECC_CORRECTED=5')
    function Get-MetricValue([string[]] $Lines, [string] $Name, [int] $Gpu) {
        # node_exporter sorts the labels, so gpu may be anywhere among them.
        $line = $Lines | Where-Object { $_ -match "^$Name\{(?:[^}]*,)?gpu=`"$Gpu`"[,}]" } | Select-Object -First 1
        if ($line) { [double]($line -split ' ')[-1] }
    }
}

AfterAll { Clear-FakeGpu }

Describe 'Get-GpuSample with the fake NVML' -Skip:$NoFakes {
    BeforeAll { Use-FakeGpu -Setting $GpmSettings }
    AfterAll { Clear-FakeGpu }

    It 'gives Get-GpuProcess''s command the width the console has, and cuts it with an ellipsis' {
        $start = [Diagnostics.ProcessStartInfo]::new('bash')
        foreach ($a in '-c', 'sleep 30; true', ('train.py --config ' + ('x' * 150))) { $start.ArgumentList.Add($a) }
        $long = [Diagnostics.Process]::Start($start)
        try {
            Start-Sleep -Milliseconds 200
            Use-FakeGpu -Setting 'FAKENVML_GPU0_PROCESSES=1', "FAKENVML_GPU0_PID=$($long.Id)"
            $wide = Get-GpuProcess | Out-String -Width 120
            $narrow = Get-GpuProcess | Out-String -Width 80
            ($wide -split "`n" | Where-Object { $_ -match "^\s*0\s+$($long.Id)\s" }).TrimEnd().Length | Should -Be 120
            ($narrow -split "`n" | Where-Object { $_ -match "^\s*0\s+$($long.Id)\s" }).TrimEnd().Length | Should -BeLessOrEqual 80
            $wide | Should -Match 'x…'
        }
        finally {
            $long.Kill(); Use-FakeGpu -Setting $GpmSettings
        }
    }

    It 'shows the same whole watts for 72.5 W in every view (half away from zero)' {
        # GPU 1 of the fake draws 72.5 W; one view said 72 (round half to even) and another 73.
        (Get-CudaDevice -Index 1 | Out-String -Width 80) | Should -Match ' 73/700 '
        (Get-GpuSample -Index 1 -SampleInterval 0.1 | Out-String -Width 80) | Should -Match '\b73W\b'
        (Watch-Gpu -Plain -Count 1 -Interval 0.1 -Index 1 | Out-String -Width 80) | Should -Match '73/700 W'
        (Get-CudaDevice -Index 1 | Out-String -Width 80) | Should -Not -Match '\b72/700\b'
    }

    It 'returns one sample per GPU with classic and GPM figures, and says which came from GPM' {
        $samples = @(Get-GpuSample -SampleInterval 0.1)
        $samples.Count | Should -Be 2
        $samples[0].PSObject.TypeNames[0] | Should -Be 'DlGpuTools.GpuSample'
        $samples[0].Index | Should -Be 0
        $samples[0].Source | Should -Be 'NVML classic + GPM'
        $samples[0].GpmSmActivityPercent | Should -Be 91.5
        $samples[0].GpmTensorActivityPercent | Should -Be 83
        $samples[0].GpmDramBandwidthPercent | Should -Be 55
        $samples[0].GpmFp16ActivityPercent | Should -Be 3
        $samples[0].IntervalSeconds | Should -BeGreaterOrEqual 0.09
        $samples[0].ClockEventReasons | Should -Be @('SwPowerCap')
        $samples[0].EccCorrectedVolatile | Should -Be 5
        $samples[0].SmClockMHz | Should -Be 1755
        $samples[0].MemoryUsed | Should -Be (2048MB)
        $samples[1].GpmSmActivityPercent | Should -BeNullOrEmpty
        $samples[1].Source | Should -Match 'GPM: not supported on this GPU'
        # Fixed column widths: the table fits 80 columns even when the console is wider.
        ($samples | Out-String -Width 200) -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        ($samples[0] | Format-List | Out-String -Width 200) | Should -Match 'GpmTensorActivity : 83\.0% \(HMMA 80\.0%\)'
    }

    It 'takes -MaxSamples samples -SampleInterval apart for the devices asked for' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $samples = @(Get-GpuSample -Index 1 -MaxSamples 3 -SampleInterval 0.1)
        $watch.Stop()
        $samples.Count | Should -Be 3
        $samples.Index | Should -Be @(1, 1, 1)
        $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.29
        # On a fixed schedule a late sample does not delay the next, so only the order is certain.
        $samples[2].Timestamp | Should -BeGreaterThan $samples[0].Timestamp
    }

    It 'takes devices from Get-CudaDevice and by UUID' {
        $uuid = (Get-CudaDevice -Index 1).Uuid
        (Get-GpuSample -Uuid $uuid -SampleInterval 0.05).Index | Should -Be 1
        @(Get-CudaDevice | Get-GpuSample -SampleInterval 0.05).Count | Should -Be 2
    }

    It '-Continuous runs until the pipeline stops it' {
        $samples = @(Get-GpuSample -Index 0 -Continuous -SampleInterval 0.05 | Select-Object -First 4)
        $samples.Count | Should -Be 4
    }

    It 'writes DeviceIndexNotFound for an index that does not exist' {
        $null = Get-GpuSample -Index 7 -SampleInterval 0.05 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'DeviceIndexNotFound,DlGpuTools.Commands.GetGpuSampleCommand'
    }

    It 'survives JSON and PSSerializer round trips with its views' {
        $sample = Get-GpuSample -Index 0 -SampleInterval 0.05
        ($sample | ConvertTo-Json | ConvertFrom-Json).GpmTensorActivityPercent | Should -Be 83
        $copy = [Management.Automation.PSSerializer]::Deserialize([Management.Automation.PSSerializer]::Serialize($sample))
        $copy.PSObject.TypeNames[0] | Should -Be 'Deserialized.DlGpuTools.GpuSample'
        ($copy | Out-String -Width 80) | Should -Match 'SMAct\s+Tensor\s+DRAM'
    }
}

Describe 'Get-GpuSample without NVML' -Skip:$NoFakes {
    AfterAll { Clear-FakeGpu }

    It 'writes NvmlNotFound with the path it tried' {
        Use-FakeGpu -Nvml '/nonexistent/libnvidia-ml.so.1'
        $result = Get-GpuSample -SampleInterval 0.05 -ErrorVariable err -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err[-1].FullyQualifiedErrorId | Should -Be 'NvmlNotFound,DlGpuTools.Commands.GetGpuSampleCommand'
        $err[-1].Exception.Message | Should -Match ([regex]::Escape('/nonexistent/libnvidia-ml.so.1'))
    }
}

Describe 'Get-GpuProcess with the fake NVML' -Skip:$NoFakes {
    BeforeAll { Use-FakeGpu -Setting 'FAKENVML_PROC_SM=64', 'FAKENVML_PROC_MEM=21' }
    AfterAll { Clear-FakeGpu }

    It 'lists each process with memory, utilization, user and command line' {
        $processes = @(Get-GpuProcess)
        $processes.Count | Should -Be 2 -Because 'the fake runs two processes on GPU 0 and none on GPU 1'
        $processes.Index | Should -Be @(0, 0)
        $processes.ProcessId | Should -Be @(1, 1)
        $processes.UsedMemory | Should -Be @(512MB, 1GB)
        $processes.SmUtilizationPercent | Should -Be @(64, 64)
        $processes.MemoryUtilizationPercent | Should -Be @(21, 21)
        $arguments = (Get-Content -Raw /proc/1/cmdline).TrimEnd([char]0) -split [char]0 |
            ForEach-Object { if ($_ -match ' ') { "`"$_`"" } else { $_ } }
        $processes[0].CommandLine | Should -Be ($arguments -join ' ')
        $processes[0].UserName | Should -Not -BeNullOrEmpty
        ($processes | Out-String -Width 80) -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
    }

    It 'lists nothing for a GPU without processes' {
        @(Get-GpuProcess -Index 1).Count | Should -Be 0
    }

    It 'writes the NVML error of a GPU whose processes cannot be listed and goes on with the others' {
        Use-FakeGpu -Setting 'FAKENVML_FAIL=nvmlDeviceGetComputeRunningProcesses_v3@0=15'
        try {
            $null = Get-GpuProcess -ErrorVariable err -ErrorAction SilentlyContinue
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Be 'NvmlCallFailed,DlGpuTools.Commands.GetGpuProcessCommand'
            $err[0].TargetObject | Should -Be 0
            $err[0].Exception.Message | Should -Match 'NVML_ERROR_GPU_IS_LOST'
        }
        finally { Use-FakeGpu -Setting 'FAKENVML_PROC_SM=64', 'FAKENVML_PROC_MEM=21' }
    }
}

Describe 'Watch-Gpu with the fake NVML' -Skip:$NoFakes {
    BeforeAll { Use-FakeGpu -Setting $GpmSettings }
    AfterAll { Clear-FakeGpu }

    It 'writes plain screens of at most 80 columns, GPUs with bars then processes, and ends after -Count' {
        $lines = @(Watch-Gpu -Count 2 -Interval 0.1 -Plain)
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        @($lines | Where-Object { $_ -match '^\s+PID GPU USER' }).Count | Should -Be 2
        $lines | Should -Contain '  SM   [##################..]  92%  tensor [##############...]  83%'
        ($lines -join "`n") | Should -Match 'clocks held by: SwPowerCap'
        ($lines -join "`n") | Should -Match '(?m)^\s+1\s+0 \S+\s+1024M\s+42\s+17 -'
    }

    It 'falls back to plain text when output is redirected' {
        @(Watch-Gpu -Count 1 -Interval 0.1 -Index 1).Count | Should -BeGreaterThan 5
    }
}

Describe 'ConvertTo-GpuPrometheus and Export-GpuMetric with the fake NVML' -Skip:$NoFakes {
    BeforeAll {
        Use-FakeGpu -Setting $GpmSettings
        $script:Samples = @(Get-GpuSample -SampleInterval 0.1)
        $script:Folder = New-PrivateTempDirectory -Prefix 'dlgpu-prom-'
    }
    AfterAll {
        Clear-FakeGpu
        Remove-Item $Folder -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'writes dcgm-exporter names, units and labels' {
        $lines = ($Samples | ConvertTo-GpuPrometheus) -split "`n"
        $lines | Should -Contain '# TYPE DCGM_FI_DEV_GPU_UTIL gauge'
        Get-MetricValue $lines 'DCGM_FI_DEV_GPU_UTIL' 0 | Should -Be 3
        Get-MetricValue $lines 'DCGM_FI_DEV_FB_USED' 0 | Should -Be 2048
        Get-MetricValue $lines 'DCGM_FI_PROF_PIPE_TENSOR_ACTIVE' 0 | Should -Be 0.83
        Get-MetricValue $lines 'DCGM_FI_PROF_PIPE_TENSOR_ACTIVE' 1 | Should -BeNullOrEmpty
        $uuid = $Samples[0].Uuid
        $lines | Should -Contain (
            ("DCGM_FI_DEV_GPU_TEMP{{gpu=`"0`",UUID=`"{0}`",pci_bus_id=`"00000000:17:00.0`",device=`"nvidia0`"," +
                "modelName=`"NVIDIA Fake H100 80GB HBM3`",hostname=`"{1}`"}} 40") -f $uuid, [Environment]::MachineName)
    }

    It 'takes samples back from remoting (PSSerializer) and JSON, as from many hosts' {
        $expected = $Samples | ConvertTo-GpuPrometheus
        $deserialized = $Samples |
            ForEach-Object { [Management.Automation.PSSerializer]::Deserialize([Management.Automation.PSSerializer]::Serialize($_)) }
        $deserialized[0].PSObject.TypeNames[0] | Should -Be 'Deserialized.DlGpuTools.GpuSample'
        $deserialized | ConvertTo-GpuPrometheus | Should -Be $expected
        $Samples | ConvertTo-Json -Depth 3 | ConvertFrom-Json | ConvertTo-GpuPrometheus | Should -Be $expected
    }

    It 'writes InputNotGpuSample for an object that is no sample, and goes on' {
        $text = @([pscustomobject]@{ Name = 'x' }) + $Samples | ConvertTo-GpuPrometheus -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'InputNotGpuSample,DlGpuTools.Commands.ConvertToGpuPrometheusCommand'
        $text | Should -Be ($Samples | ConvertTo-GpuPrometheus)
    }

    It 'replaces the file whole and leaves no temporary file' {
        $path = Join-Path $Folder 'gpu.prom'
        $Samples | Export-GpuMetric -Path $path
        $file = $Samples | Export-GpuMetric -Path $path -PassThru
        $file.FullName | Should -Be $path
        # The exposition of the samples, then the line that says the export held samples at all.
        (Get-Content -Raw $path) |
            Should -Be (($Samples | ConvertTo-GpuPrometheus) +
                "# HELP dlgputools_export_up 1 when the last Export-GpuMetric wrote GPU samples; 0 when it had none " +
                "(the driver or NVML failed, or no GPU answered).`n# TYPE dlgputools_export_up gauge`ndlgputools_export_up 1`n")
        @(Get-ChildItem -Force $Folder).Name | Should -Be @('gpu.prom')
    }

    It 'runs the long-running service recipe of about_DlGpuTools as written: every write holds both GPUs' {
        # The recipe's own command line, from the help topic, with a test path and a short interval.
        $about = Get-Content -Raw (Join-Path (Split-Path $ModuleManifest) 'en-US/about_DlGpuTools.help.txt')
        $recipe = [regex]::Match($about, 'Get-GpuSample -Continuous[^"]*').Value
        $recipe | Should -Match '\| Export-GpuMetric -Path /var/lib/prometheus/node-exporter/dlgpu\.prom$'
        $path = Join-Path $Folder 'service.prom'
        $command = $recipe.Replace('/var/lib/prometheus/node-exporter/dlgpu.prom',
            $path).Replace('-SampleInterval 15', '-SampleInterval 0.1')
        $pwsh = @(Get-PwshCommand)
        $start = [Diagnostics.ProcessStartInfo]::new($pwsh[0])
        foreach ($a in @($pwsh | Select-Object -Skip 1) +
            @('-NoProfile', '-NonInteractive', '-Command', "Import-Module '$ModuleManifest'; $command")) { $start.ArgumentList.Add($a) }
        $service = [Diagnostics.Process]::Start($start)
        try {
            $reads = 0
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while ($reads -lt 40 -and [DateTime]::UtcNow -lt $deadline) {
                $text = try { [IO.File]::ReadAllText($path) } catch { $null }
                if ($text) {
                    $reads++
                    $text | Should -Match 'DCGM_FI_DEV_GPU_TEMP\{gpu="0"' -Because "read $reads of the file"
                    $text | Should -Match 'DCGM_FI_DEV_GPU_TEMP\{gpu="1"' -Because "read $reads of the file"
                }
                Start-Sleep -Milliseconds 50
            }
            $reads | Should -BeGreaterThan 10
        }
        finally {
            $service.Kill($true)
            $service.WaitForExit()
        }
    }

    It 'writes MetricFolderNotFound for a folder that does not exist' {
        $Samples | Export-GpuMetric -Path (Join-Path $Folder 'missing/gpu.prom') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'MetricFolderNotFound,DlGpuTools.Commands.ExportGpuMetricCommand'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'textfile'
    }

    It 'writes MetricFileNotWritten with the path where the file system refuses the write' {
        # The name fits a file system; its temporary sibling, 38 characters longer, does not.
        $path = Join-Path $Folder (('g' * 240) + '.prom')
        $err = $null
        $Samples | Export-GpuMetric -Path $path -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'MetricFileNotWritten,DlGpuTools.Commands.ExportGpuMetricCommand'
        $err[0].Exception.Message | Should -BeLike "Could not write the metrics file $path`: *"
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'textfile'
        Test-Path -LiteralPath $path | Should -BeFalse
    }
}

Describe 'A real node_exporter serves our textfile' -Skip:$NodeExporterMissing {
    BeforeAll {
        $script:TextDir = New-PrivateTempDirectory -Prefix 'dlgpu-node-exporter-'
        Use-FakeGpu -Setting $GpmSettings
        Get-GpuSample -SampleInterval 0.1 | Export-GpuMetric -Path (Join-Path $TextDir 'dlgpu.prom')
        # A free loopback port: bind port 0, read what the OS gave, release it for node_exporter.
        $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $probe.Start(); $script:Port = $probe.LocalEndpoint.Port; $probe.Stop()
        $script:Log = Join-Path $TextDir 'node_exporter.log'
        $script:Exporter = Start-TestDaemon -FilePath $NodeExporter.Source -LogPath $Log -ArgumentList @(
            "--web.listen-address=127.0.0.1:$Port", "--collector.textfile.directory=$TextDir",
                '--collector.disable-defaults', '--collector.textfile')
        $script:Scrape = $null
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        while (-not $Scrape -and [DateTime]::UtcNow -lt $deadline -and -not $Exporter.HasExited) {
            try { $script:Scrape = (Invoke-WebRequest -Uri "http://127.0.0.1:$Port/metrics" -TimeoutSec 2).Content } catch {
                Start-Sleep -Milliseconds 200
            }
        }
        $dcgmLines = @($Scrape -split "`n" | Where-Object { $_ -match '^DCGM_' }).Count
        Write-Host "node_exporter on 127.0.0.1:$Port served $dcgmLines DCGM_ lines"
    }
    AfterAll {
        Stop-TestDaemon $Exporter
        Clear-FakeGpu
        Remove-Item $TextDir -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'starts and answers on the loopback port' {
        $serverLog = Get-Content -Raw $Log -ErrorAction SilentlyContinue
        $Scrape | Should -Not -BeNullOrEmpty -Because "node_exporter should serve /metrics (its log: $serverLog)"
    }

    It 'parses the file without errors and serves our metrics with the right values' {
        $lines = $Scrape -split "`n"
        $lines | Should -Contain 'node_textfile_scrape_error 0'
        Get-MetricValue $lines 'DCGM_FI_DEV_GPU_UTIL' 0 | Should -Be 3
        Get-MetricValue $lines 'DCGM_FI_DEV_POWER_USAGE' 1 | Should -Be 72.5
        Get-MetricValue $lines 'DCGM_FI_DEV_FB_USED' 0 | Should -Be 2048
        Get-MetricValue $lines 'DCGM_FI_DEV_GPU_TEMP' 1 | Should -Be 41
        Get-MetricValue $lines 'DCGM_FI_PROF_SM_ACTIVE' 0 | Should -Be 0.915
        Get-MetricValue $lines 'DCGM_FI_PROF_PIPE_TENSOR_ACTIVE' 0 | Should -Be 0.83
        Get-MetricValue $lines 'DCGM_FI_PROF_DRAM_ACTIVE' 0 | Should -Be 0.55
        Get-MetricValue $lines 'DCGM_FI_DEV_ECC_SBE_VOL_TOTAL' 0 | Should -Be 5
        $lines | Should -Contain '# TYPE DCGM_FI_DEV_ECC_SBE_VOL_TOTAL counter'
        ($lines | Where-Object { $_ -match '^DCGM_FI_DEV_GPU_UTIL\{' }) -join "`n" |
            Should -Match 'gpu="0",hostname="[^"]+",modelName="NVIDIA Fake H100 80GB HBM3",pci_bus_id="00000000:17:00.0"'
    }
}

Describe 'Monitoring on a real GPU' -Tag 'Gpu' -Skip:(-not $HasGpu) {
    It 'agrees with nvidia-smi on memory and power limit, and has GPM figures on Hopper and newer' {
        Clear-FakeGpu
        $sample = @(Get-GpuSample -Index 0)[0]
        $smi = (& nvidia-smi -i (Get-CudaDevice -Index 0).Uuid --query-gpu=memory.total,power.limit --format=csv,
            noheader,nounits) -split ',\s*'
        [math]::Round($sample.MemoryTotal / 1MB) | Should -Be ([int]$smi[0])
        $sample.PowerLimitW | Should -BeGreaterThan ([double]$smi[1] - 1)
        $sample.PowerLimitW | Should -BeLessThan ([double]$smi[1] + 1)
        if ((Get-CudaDevice -Index 0).ComputeCapabilityMajor -ge 9) {
            $sample.Source | Should -Be 'NVML classic + GPM'
            $sample.GpmSmActivityPercent | Should -Not -BeNullOrEmpty
        }
    }
}
