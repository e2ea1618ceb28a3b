# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    $script:Folder = Join-Path (New-PrivateTempDirectory) 'jobs'
}

AfterAll {
    Clear-FakeGpu
    Remove-Item (Split-Path $Folder) -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Measure-GpuJob with the fake NVML' -Skip:$NoFakes {
    BeforeAll { Use-FakeGpu }

    It 'writes the script output, then a sampled summary per GPU' {
        $out = @(Measure-GpuJob -SampleInterval 0.05 { 'first'; Start-Sleep -Milliseconds 400; 'second' })
        $out[0] | Should -Be 'first'
        $out[1] | Should -Be 'second'
        $summaries = @($out | Where-Object { $_ -is [DlGpuTools.GpuJobSummary] })
        $summaries.Count | Should -Be 2
        $summaries[0].Method | Should -Be 'Sampled'
        $summaries[0].SampleCount | Should -BeGreaterOrEqual 4
        $summaries[0].DurationSeconds | Should -BeGreaterOrEqual 0.4
        $summaries[0].MeanUtilizationPercent | Should -Be 3 -Because 'the fake GPU is 3% busy'
        $summaries[0].PeakUtilizationPercent | Should -Be 3
        $summaries[0].PeakMemoryUsed | Should -Be (2048MB)
        $summaries[0].EnergyJ | Should -BeGreaterThan 0
        $summaries[0].Detail | Should -Match 'Energy: '
        $summaries[1].Index | Should -Be 1
    }

    It 'runs the script in the caller''s scope, as Measure-Command does' {
        $null = Measure-GpuJob -Index 0 { $measured = 42 }
        $measured | Should -Be 42
    }

    It 'still writes the summaries when the script throws, then raises the error' {
        $script:got = @()
        { Measure-GpuJob -Index 0 { 'before'; throw 'job failed' } | ForEach-Object { $script:got += $_ } } | Should -Throw '*job failed*'
        $got[0] | Should -Be 'before'
        @($got | Where-Object { $_ -is [DlGpuTools.GpuJobSummary] }).Count | Should -Be 1
    }

    It 'measures a GPU in MIG mode once, with its power and energy' {
        Use-FakeGpu -Setting 'FAKENVML_MIG=3g.40gb,1g.10gb'
        try {
            $out = Measure-GpuJob -SampleInterval 0.05 { Start-Sleep -Milliseconds 300 }
            $s = @($out | Where-Object { $_ -is [DlGpuTools.GpuJobSummary] })
            $s.Count | Should -Be 2 -Because 'one summary per GPU, not one per MIG device'
            $s[0].Index | Should -Be 0
            $s[0].EnergyJ | Should -BeGreaterThan 0
            $s[0].MeanPowerW | Should -BeGreaterThan 0
            $s[0].Detail | Should -Match 'NVML energy counter'
        }
        finally { Use-FakeGpu }
    }

    It 'fits its table in 80 columns' {
        $text = Measure-GpuJob -Index 0 { } | Out-String -Width 80
        foreach ($line in $text -split "`n") { $line.TrimEnd().Length | Should -BeLessOrEqual 80 }
        $text | Should -Match 'Sampled'
    }
}

Describe 'Start-GpuJob and Stop-GpuJob with the fake NVML' -Skip:$NoFakes {
    It 'summarizes the processes accounting saw start during the job' {
        Use-FakeGpu -Setting 'FAKENVML_ACCOUNTING=1'
        Start-GpuJob -Name 4711 -Index 0 -StateFolder $Folder
        Start-Sleep -Milliseconds 300
        (Get-Item (Join-Path $Folder '4711.job')).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
        # One process that started with the job (now) and one from long before it, which is not the job's.
        Use-FakeGpu -Setting 'FAKENVML_ACCOUNTING=1', 'FAKENVML_ACCOUNTING_PROCS=4242/80/1024/100/0,4243/99/9999/3600000/1000'
        $s = Stop-GpuJob -Name 4711 -StateFolder $Folder
        $s.Name | Should -Be '4711'
        $s.Method | Should -Be 'Accounting'
        $s.ProcessCount | Should -Be 1
        $s.MeanUtilizationPercent | Should -Be 80
        $s.PeakMemoryUsed | Should -Be (1024MB)
        $s.PeakUtilizationPercent | Should -BeNullOrEmpty
        $s.SampleCount | Should -Be 0
        Test-Path (Join-Path $Folder '4711.job') | Should -BeFalse -Because 'Stop-GpuJob removes the state'
    }

    It 'says what it cannot know when accounting mode is off' {
        Use-FakeGpu
        Start-GpuJob -Name off-1 -StateFolder $Folder
        $s = @(Stop-GpuJob -Name off-1 -StateFolder $Folder)
        $s.Count | Should -Be 2
        $s[0].Method | Should -Be 'Counters'
        $s[0].MeanUtilizationPercent | Should -BeNullOrEmpty
        $s[0].PeakMemoryUsed | Should -BeNullOrEmpty
        $s[0].Detail | Should -Match 'accounting mode is off'
    }

    It 'says so when accounting is not supported (a MIG GPU)' {
        # GPU 0 in MIG mode with two MIG devices; accounting on where the GPU allows it (GPU 1).
        Use-FakeGpu -Setting 'FAKENVML_MIG=3g.40gb,1g.10gb', 'FAKENVML_ACCOUNTING=1'
        Start-GpuJob -Name mig-1 -StateFolder $Folder
        Start-Sleep -Milliseconds 200
        $s = @(Stop-GpuJob -Name mig-1 -StateFolder $Folder)
        $s.Count | Should -Be 2 -Because 'one summary per GPU, not one per MIG device'
        @($s.Uuid | Sort-Object -Unique).Count | Should -Be 2
        $s[0].Method | Should -Be 'Counters'
        $s[0].Detail | Should -Match 'not supported on a GPU in MIG mode'
        $s[0].Detail | Should -Not -Match 'nvidia-smi -am 1' -Because 'accounting cannot be turned on in MIG mode'
        $s[0].EnergyJ | Should -BeGreaterThan 0 -Because 'the energy counter is read on the GPU, not on a MIG device'
        $s[0].Detail | Should -Match 'NVML energy counter'
        $s[1].Method | Should -Be 'Accounting'
    }

    It 'refuses accounting when the driver does not support it' {
        Use-FakeGpu -Setting 'FAKENVML_ACCOUNTING=unsupported'
        Start-GpuJob -Name unsupported-1 -Index 0 -StateFolder $Folder
        (Stop-GpuJob -Name unsupported-1 -StateFolder $Folder).Detail | Should -Match 'accounting is not supported on this GPU'
    }

    It 'refuses a job that was not started, a name that is a path, and a folder others can open' {
        Use-FakeGpu
        { Stop-GpuJob -Name never -StateFolder $Folder -ErrorAction Stop } |
            Should -Throw -ErrorId 'GpuJobNotStarted,DlGpuTools.Commands.StopGpuJobCommand'
        { Start-GpuJob -Name '../x' -StateFolder $Folder } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,DlGpuTools.Commands.StartGpuJobCommand'
        $open = Join-Path (Split-Path $Folder) 'open'
        New-Item -ItemType Directory $open | Out-Null
        chmod 777 $open
        { Start-GpuJob -Name open-1 -StateFolder $open -ErrorAction Stop } |
            Should -Throw -ErrorId 'GpuJobStateFolderUnsafe,DlGpuTools.Commands.StartGpuJobCommand'
        Get-ChildItem $open | Should -BeNullOrEmpty
    }

    It 'reports a state folder the file system refuses as GpuJobStateFolderUnsafe, with the folder and a remedy' {
        Use-FakeGpu
        $tooLong = Join-Path (Split-Path $Folder) ('f' * 300)
        $err = $null
        Start-GpuJob -Name long-1 -StateFolder $tooLong -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'GpuJobStateFolderUnsafe,DlGpuTools.Commands.StartGpuJobCommand'
        $err[0].Exception.Message | Should -BeLike "The job state could not be written to $tooLong*"
        $err[0].ErrorDetails.RecommendedAction | Should -BeLike 'Give -StateFolder a folder of your own with mode 700*'
    }

    It 'does nothing with -WhatIf' {
        Use-FakeGpu
        Start-GpuJob -Name whatif-1 -StateFolder $Folder -WhatIf
        Test-Path (Join-Path $Folder 'whatif-1.job') | Should -BeFalse
    }
}

Describe 'The Prometheus labels and the job info series' -Skip:$NoFakes {
    BeforeAll { Use-FakeGpu }

    It 'names the host label hostname, or Hostname with -LegacyHostnameLabel' {
        $samples = Get-GpuSample -Index 0
        $text = $samples | ConvertTo-GpuPrometheus
        $text | Should -CMatch ',hostname="'
        $text | Should -Not -CMatch 'Hostname="'
        $samples | ConvertTo-GpuPrometheus -LegacyHostnameLabel | Should -CMatch ',Hostname="'
    }

    It 'adds one info series per GPU for -JobId and leaves the GPU metrics'' labels alone' {
        $samples = Get-GpuSample
        $lines = ($samples | ConvertTo-GpuPrometheus -JobId 'job"7') -split "`n"
        $info = @($lines | Where-Object { $_ -like 'dlgputools_job_info{*' })
        $info.Count | Should -Be 2
        $info[0] | Should -Be ('dlgputools_job_info{{hpc_job="job\"7",gpu="0",UUID="{0}",hostname="{1}"}} 1' -f $samples[0].Uuid,
            [Environment]::MachineName)
        $lines | Should -Contain '# TYPE dlgputools_job_info gauge'
        @($lines | Where-Object { $_ -like 'DCGM_*hpc_job*' }).Count | Should -Be 0
        ($samples | ConvertTo-GpuPrometheus) | Should -Not -Match 'dlgputools_job_info'
    }

    It 'writes the info series to the textfile too' {
        $prom = Join-Path (Split-Path $Folder) 'gpu.prom'
        Get-GpuSample | Export-GpuMetric -Path $prom -JobId 123 -LegacyHostnameLabel
        $text = Get-Content $prom -Raw
        $text | Should -CMatch 'dlgputools_job_info\{hpc_job="123",gpu="1",UUID="[^"]+",Hostname="[^"]+"\} 1'
        $text | Should -Match 'dlgputools_export_up 1'
    }
}

Describe 'Get-GpuProcess attribution and Watch-Gpu with a multi-line command line' -Skip:$NoFakes {
    BeforeAll {
        # As python3 -c "import x<newline>run()" does: argv holds a newline and a tab.
        $start = [Diagnostics.ProcessStartInfo]::new('bash')
        foreach ($a in '-c', 'exec -a "$0" sleep 30', "python3`n-c`t""a`nb""") { $start.ArgumentList.Add($a) }
        $script:MultiLine = [Diagnostics.Process]::Start($start)
        Start-Sleep -Milliseconds 200
        Use-FakeGpu -Setting 'FAKENVML_GPU0_PROCESSES=1', "FAKENVML_GPU0_PID=$($MultiLine.Id)"
    }
    AfterAll { if ($MultiLine -and -not $MultiLine.HasExited) { $MultiLine.Kill() } }

    It 'says the facts were read from /proc and finds no container, pod or job for a plain process' {
        $p = Get-GpuProcess -Index 0
        $p.Lookup | Should -Be 'Read'
        $p.SlurmJobId | Should -BeNullOrEmpty
        $p.PodUid | Should -BeNullOrEmpty
        $p.CommandLine | Should -Not -Match "[`n`t]"
    }

    It 'keeps the process on one row with its columns in Watch-Gpu' {
        $screen = @(Watch-Gpu -Plain -Count 1 -Interval 0.1 -Index 0)
        $rows = @($screen | Where-Object { $_ -match "^\s*$($MultiLine.Id)\s" })
        $rows.Count | Should -Be 1
        $header = $screen | Where-Object { $_ -match '^\s+PID GPU USER' }
        # The command starts in the COMMAND column, and what followed the newline stays on the same row.
        $rows[0].Substring($header.IndexOf('COMMAND')) | Should -BeLike 'python3 -c "a b" 30*'
        @($screen | Where-Object { $_ -match '^b"' }).Count | Should -Be 0
        foreach ($line in $screen) { $line.Length | Should -BeLessOrEqual 80 }
    }
}

Describe 'Start-GpuJob and Stop-GpuJob -Name, validated by the state store''s own rule' {
    It 'refuses a path, a hidden name or a name too long with the rule, and takes 64 characters' {
        foreach ($command in 'Start-GpuJob', 'Stop-GpuJob') {
            $attributes = (Get-Command $command).Parameters['Name'].Attributes
            @($attributes | Where-Object { $_ -is [System.Management.Automation.ValidatePatternAttribute] }) | Should -BeNullOrEmpty
            @($attributes | Where-Object { $_ -is [DlGpuTools.Validation.ValidateJobNameAttribute] }) | Should -HaveCount 1
        }
        foreach ($bad in '../x', '.hidden', '-x', ('a' * 65), "job`n") {
            { Stop-GpuJob -Name $bad -StateFolder $Folder -WhatIf } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,DlGpuTools.Commands.StopGpuJobCommand' `
                    -ExpectedMessage '*is not a job name*1 to 64*'
        }
        { Stop-GpuJob -Name ('a' * 64) -StateFolder $Folder -WhatIf } | Should -Not -Throw
        { Stop-GpuJob -Name '_slurm.42-b' -StateFolder $Folder -WhatIf } | Should -Not -Throw
    }
}
