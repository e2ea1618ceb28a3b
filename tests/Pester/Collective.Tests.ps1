# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable)
    $script:HasGpu = Test-GpuPresent
    $script:GpuCount = if ($HasGpu) { @(& nvidia-smi -L 2>$null | Where-Object { $_ -match '^GPU \d+:' }).Count } else { 0 }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    $script:Fqid = 'DlGpuTools.Commands.MeasureGpuCollectiveCommand'
    $script:Quick = @{ MinBytes = 8; MaxBytes = 4KB; Iterations = 2; Warmup = 1; Batches = 3 }

    function Assert-Fits([object[]] $Objects, [int] $Width = 80) {
        $text = $Objects | Out-String -Width $Width
        @($text -split "`r?`n" | Where-Object { $_.Length -gt $Width }) |
            Should -BeNullOrEmpty -Because "no line may pass $Width columns:`n$text"
    }
}

AfterAll { Clear-FakeGpu }

Describe 'Measure-GpuCollective with the fake driver and NCCL' -Skip:$NoFakes {
    BeforeEach { Use-FakeGpu }
    AfterEach { Clear-FakeGpu }

    It 'runs AllReduce, AllGather and ReduceScatter on both fake GPUs, every size verified' {
        $r = @(Measure-GpuCollective -Operation AllReduce, AllGather, ReduceScatter @Quick)
        $r.Count | Should -Be 3
        $r.Operation | Should -Be @('AllReduce', 'AllGather', 'ReduceScatter')
        foreach ($op in $r) {
            $op.Status | Should -Be 'Passed' -Because $op.Verdict
            $op.RankCount | Should -Be 2
            $op.Sizes.Count | Should -Be 10
            @($op.Sizes | Where-Object { $_.WrongElements -ne 0 -or $_.CheckedElements -eq 0 }) | Should -BeNullOrEmpty
            $op.NcclPath | Should -BeLike '*libnccl.so.2'
            $op.Method | Should -BeLike '*nccl-tests*'
        }
        Assert-Fits $r 80
        Assert-Fits $r[0].Sizes 80
    }

    It 'takes sizes written as text, binary' {
        $r = Measure-GpuCollective -MinBytes '1KiB' -MaxBytes '4K' -Iterations 1 -Warmup 0 -Batches 1 -DataType BF16 -Placement InPlace
        $r.Sizes.Bytes | Should -Be @(1024, 2048, 4096)
        $r.Status | Should -Be 'Passed'
    }

    It 'fails a size whose data NCCL got wrong' {
        Use-FakeGpu -Setting 'FAKENCCL_CORRUPT=3'
        $r = Measure-GpuCollective @Quick
        $r.Status | Should -Be 'Failed'
        $r.Sizes[0].WrongElements | Should -Be 0
        ($r.Sizes | Measure-Object WrongElements -Sum).Sum | Should -BeGreaterThan 0
        $r.Verdict | Should -BeLike '*differed from the host reference*'
    }

    It 'says a collective needs two GPUs when one is visible' {
        Use-FakeGpu -Setting 'FAKECUDA_DEVICES=1'
        { Measure-GpuCollective @Quick -ErrorAction Stop } | Should -Throw -ErrorId "CollectiveNeedsTwoGpus,$Fqid"
        { Measure-GpuCollective -Index 1 @Quick -ErrorAction Stop } | Should -Throw
    }

    It 'says what was searched when NCCL is missing' {
        $env:DLGPUTOOLS_NCCL_PATH = '/nonexistent/libnccl.so.2'
        $err = $null
        try { Measure-GpuCollective @Quick -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be "NcclNotFound,$Fqid"
        $err.Exception.Message | Should -BeLike '*/nonexistent/libnccl.so.2*'
        $err.ErrorDetails.RecommendedAction | Should -BeLike '*DLGPUTOOLS_NCCL_PATH*'
    }

    It 'reports a hang as a Failed result within the timeout' {
        Use-FakeGpu -Setting 'FAKENCCL_STALL_MS=60000'
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $r = Measure-GpuCollective @Quick -TimeoutSeconds 1
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 20
        $r.Status | Should -Be 'Failed'
        $r.Failure | Should -BeLike '*did not finish within 1 s*'
    }

    It 'stops promptly when the pipeline is stopped, and runs again afterwards' {
        Use-FakeGpu -Setting 'FAKENCCL_STALL_MS=60000'
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$ModuleManifest'; Measure-GpuCollective -MaxBytes 64 -TimeoutSeconds 600")
        $async = $ps.BeginInvoke()
        Start-Sleep -Milliseconds 1500
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 15
        $async.IsCompleted | Should -BeTrue
        $ps.Dispose()
        Use-FakeGpu
        (Measure-GpuCollective @Quick).Status | Should -Be 'Passed'
    }

    It 'runs two ranks in two processes that exchange data through the shared-memory rendezvous' {
        # A job's pwsh takes seconds to start on a busy machine: give the joining rank time, as NCCL's bootstrap does.
        Use-FakeGpu -Setting 'FAKENCCL_TIMEOUT_MS=100000'
        $manifest = $ModuleManifest
        $rank0 = Start-Job {
            Import-Module $using:manifest; Measure-GpuCollective -Rank 0 -RankCount 2 -Operation AllReduce,
                AllToAll -MaxBytes 1KB -Iterations 2 -Warmup 1 -Batches 2
        }
        try {
            $rendezvous = $null
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            $seen = @()
            while (-not $rendezvous -and [DateTime]::UtcNow -lt $deadline) {
                $seen += @(Receive-Job $rank0)
                $rendezvous = $seen | Where-Object { $_.PSObject.Properties['UniqueId'] } | Select-Object -First 1
                if (-not $rendezvous) { Start-Sleep -Milliseconds 200 }
            }
            $rank0Reason = $rank0.ChildJobs[0].JobStateInfo.Reason
            $rendezvous | Should -Not -BeNullOrEmpty -Because "rank 0 writes the rendezvous first ($($rank0.State): $rank0Reason)"
            $rendezvous.RankCount | Should -Be 2
            $rank1 = Start-Job {
                Import-Module $using:manifest
                Measure-GpuCollective -Rank 1 -RankCount 2 -UniqueId ($using:rendezvous).UniqueId -Operation AllReduce,
                    AllToAll -MaxBytes 1KB -Iterations 2 -Warmup 1 -Batches 2
            }
            $null = Wait-Job $rank0, $rank1 -Timeout 120
            $results = @($seen + @(Receive-Job $rank0) + @(Receive-Job $rank1)) | Where-Object { $_.PSObject.Properties['Operations'] }
            $results.Count | Should -Be 2
            @($results | ForEach-Object { [int]$_.Rank } | Sort-Object) | Should -Be @(0, 1)
            foreach ($r in $results) {
                $r.Failure | Should -BeNullOrEmpty
                $r.DeviceIndex | Should -Be $r.Rank
                foreach ($op in $r.Operations) {
                    foreach ($s in $op.Sizes) { $s.WrongElements | Should -Be 0; $s.CheckedElements | Should -BeGreaterThan 0 }
                }
            }
        } finally {
            Get-Job | Remove-Job -Force
        }
    }

    It 'refuses a rank other than 0 without a unique id' {
        { Measure-GpuCollective -Rank 1 -RankCount 2 @Quick -ErrorAction Stop } | Should -Throw -ErrorId "CollectiveUniqueIdInvalid,$Fqid"
    }
}

Describe 'Measure-GpuCollective on real GPUs' -Tag 'Gpu' -Skip:(-not $HasGpu) {
    It ('on two or more GPUs: AllReduce, AllGather and ReduceScatter verified up to 256 MiB, ' +
        'judged against the topology') -Skip:($GpuCount -lt 2) {
        $r = @(Measure-GpuCollective -Operation AllReduce, AllGather, ReduceScatter -MaxBytes 256MB)
        $r.Count | Should -Be 3
        foreach ($op in $r) {
            $op.Status | Should -BeIn @('Passed', 'Warning') -Because $op.Verdict
            @($op.Sizes | Where-Object WrongElements -NE 0) | Should -BeNullOrEmpty
            $op.LargeMessageBusGBps | Should -BeGreaterThan 0
        }
    }

    It 'on one GPU: the clear single-GPU message' -Skip:($GpuCount -ne 1) {
        { Measure-GpuCollective -ErrorAction Stop } |
            Should -Throw -ErrorId 'CollectiveNeedsTwoGpus,DlGpuTools.Commands.MeasureGpuCollectiveCommand'
    }
}
