# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable)
    $script:HasGpu = Test-GpuPresent
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    $script:BwFqid = 'DlGpuTools.Commands.MeasureGpuBandwidthCommand'
    # An odd count of 16-byte elements, small enough for the fake's host-memory "GPU".
    $script:Quick = @{ Size = 1MB + 48; Iterations = 2; Warmup = 0 }
}

AfterAll { Clear-FakeGpu }

Describe 'Measure-GpuBandwidth without a driver' {
    AfterEach { Clear-FakeGpu }

    It 'writes CudaDriverNotFound and no result' {
        $env:DLGPUTOOLS_CUDA_DRIVER_PATH = '/nonexistent/libcuda.so.1'
        Measure-GpuBandwidth -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "CudaDriverNotFound,$BwFqid"
    }
}

Describe 'Measure-GpuBandwidth -Test, read from the registered tests' {
    BeforeAll {
        $script:Registry = [DlGpuTools.Bandwidth.BandwidthTests]::Registry
    }

    It 'completes every registered id in run order, with its description as the tooltip' {
        $line = 'Measure-GpuBandwidth -Test '
        $all = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $all.CompletionText | Should -Be @($Registry.Ids)
        $line = 'Measure-GpuBandwidth -Test device_to_d'
        $peer = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $peer.CompletionText | Should -Be @($Registry.Ids | Where-Object { $_ -like 'device_to_d*' })
        $peer[0].ToolTip | Should -Be $Registry.DescriptionOf($peer[0].CompletionText)
    }

    It 'accepts any registered id in any case and names the ids when one is unknown' {
        $cmd = Get-Command Measure-GpuBandwidth
        $attribute = $cmd.Parameters['Test'].Attributes | Where-Object { $_ -is [DlGpuTools.Validation.ValidateRegisteredIdAttribute] }
        $attribute | Should -Not -BeNullOrEmpty
        { Measure-GpuBandwidth -Test device_copy } | Should -Throw -ExpectedMessage "*no bandwidth test 'device_copy'*device_read_sm*"
    }

    It 'has every registered id with its description in its help page' {
        $page = Get-Content -Raw (Join-Path $RepoRoot 'docs/Measure-GpuBandwidth.md')
        foreach ($id in $Registry.Ids) {
            $page | Should -BeLike "*- ${id}: $($Registry.DescriptionOf($id))*" -Because "docs/Measure-GpuBandwidth.md lists $id"
        }
    }
}

Describe 'Measure-GpuBandwidth with the fake driver' -Skip:$NoFakes {
    BeforeEach { Use-FakeGpu }

    It 'at its default buffer size (larger than the fake really holds) reports wrong data, and the process lives' {
        # The fake keeps buffers above 256 MiB as 1-byte stand-ins; it once wrote past them and killed pwsh.
        $null = Measure-GpuBandwidth -Index 0 -Test device_write_sm -Iterations 1 -Warmup 0 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'BandwidthVerificationFailed,DlGpuTools.Commands.MeasureGpuBandwidthCommand'
    }
    AfterEach { Clear-FakeGpu }

    It 'runs every test on every device and pair, verified, with its counting and theoretical figure' {
        $r = @(Measure-GpuBandwidth @Quick)
        $tests = [DlGpuTools.Bandwidth.BandwidthTests]::All
        $single = @($tests | Where-Object Path -NE 'Peer' | ForEach-Object Id)
        $peer = @($tests | Where-Object Path -EQ 'Peer' | ForEach-Object Id)
        # Every single-GPU test on each of the two GPUs, every peer test on both ordered pairs, in the registry's order.
        @($r | Where-Object DeviceIndex -EQ 0 | Where-Object PeerIndex -EQ $null | ForEach-Object Test) | Should -Be $single
        @($r | Where-Object DeviceIndex -EQ 1 | Where-Object PeerIndex -EQ $null | ForEach-Object Test) | Should -Be $single
        @($r | Where-Object { $_.DeviceIndex -eq 0 -and $_.PeerIndex -eq 1 } | ForEach-Object Test) | Should -Be $peer
        @($r | Where-Object { $_.DeviceIndex -eq 1 -and $_.PeerIndex -eq 0 } | ForEach-Object Test) | Should -Be $peer
        $r.Count | Should -Be (2 * $single.Count + 2 * $peer.Count)
        $r[0] | Should -BeOfType ([DlGpuTools.BandwidthResult])
        ($r | Select-Object -ExpandProperty DeviceIndex -Unique) | Should -Be @(0, 1)
        $r | ForEach-Object {
            $_.Verified | Should -BeTrue
            $_.GBps | Should -BeGreaterThan 0
            $_.PercentOfTheoretical | Should -Not -BeNullOrEmpty
        }
        ($r | Where-Object Test -EQ 'device_local_copy')[0].BytesCounted | Should -Match 'copied once'
        ($r | Where-Object { $_.Test -eq 'host_to_device_memcpy_ce' -and $_.DeviceIndex -eq 1 }).NumaNode | Should -Be 1
        ($r | Where-Object { $_.Test -eq 'host_to_device_memcpy_ce' -and $_.DeviceIndex -eq 1 }).NumaAffinity | Should -Be '1'
    }

    It 'takes devices from Get-CudaDevice and from JSON, and tests by name' {
        $one = @(Get-CudaDevice -Index 1 | Measure-GpuBandwidth -Test device_write_sm @Quick)
        $one.DeviceIndex | Should -Be 1
        $one.Test | Should -Be 'device_write_sm'
        $json = Get-CudaDevice -Index 0 | ConvertTo-Json -Depth 3
        ($json | ConvertFrom-Json | Measure-GpuBandwidth -Test device_read_sm @Quick).Uuid | Should -Be (Get-CudaDevice -Index 0).Uuid
        $ordered = @(Measure-GpuBandwidth -Index 0 -Test host_to_device_memcpy_ce, device_read_sm @Quick).Test
        $ordered | Should -Be @('device_read_sm', 'host_to_device_memcpy_ce')
    }

    It 'refuses wrong data with BandwidthVerificationFailed and carries on with the other tests' {
        Use-FakeGpu -Setting 'FAKECUDA_KERNEL_SKIP_LAST=1'
        $quiet = @{ ErrorVariable = 'err'; ErrorAction = 'SilentlyContinue' }
        $r = @(Measure-GpuBandwidth -Index 0 -Test device_write_sm, host_to_device_memcpy_ce @Quick @quiet)
        $r.Test | Should -Be 'host_to_device_memcpy_ce'
        $err[0].FullyQualifiedErrorId | Should -Be "BandwidthVerificationFailed,$BwFqid"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidResult'
    }

    It 'shows the JIT log when the driver refuses the kernels' {
        Use-FakeGpu -Setting 'FAKECUDA_PTX_REJECT=1'
        Measure-GpuBandwidth -Index 0 @Quick -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "BandwidthKernelRejected,$BwFqid"
        $err[0].Exception.Message | Should -Match 'JIT log: ptxas'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'Update the NVIDIA driver'
    }

    It 'reports refused page-locked memory and a size that does not fit, with remedies' {
        Use-FakeGpu -Setting 'FAKECUDA_PINNED_LIMIT_MB=1'
        $quiet = @{ ErrorVariable = 'err'; ErrorAction = 'SilentlyContinue' }
        Measure-GpuBandwidth -Index 0 -Test device_to_host_memcpy_ce -Size 2MB -Iterations 2 @quiet | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "PinnedMemoryRefused,$BwFqid"
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'ulimit -l'

        Use-FakeGpu -Setting 'FAKECUDA_MEMORY_MB=2048'
        $quiet = @{ ErrorVariable = 'err2'; ErrorAction = 'SilentlyContinue' }
        Measure-GpuBandwidth -Index 0 -Test device_triad_sm -Size 1GB @quiet | Should -BeNullOrEmpty
        $err2[0].FullyQualifiedErrorId | Should -Be "BandwidthBufferTooLarge,$BwFqid"
        $err2[0].Exception.Message | Should -Match 'needs [\d,]+ MiB; [\d,]+ MiB are free'
    }

    It 'measures peer copies both ways, and says when two GPUs cannot reach each other' {
        $r = @(Measure-GpuBandwidth -Test device_to_device_memcpy_write_ce @Quick)
        ($r | ForEach-Object { '{0}>{1}' -f $_.DeviceIndex, $_.PeerIndex }) | Should -Be @('0>1', '1>0')
        ($r | Out-String -Width 80) | Should -Match '0>1\s+device_to_device_memcpy_write_ce'
        # The longest test names stay whole (and apart) in 80 columns.
        $bothWays = 'device_to_device_bidirectional_memcpy_write_ce', 'device_to_device_bidirectional_memcpy_sm'
        $both = @(Measure-GpuBandwidth -Test $bothWays @Quick) | Out-String -Width 80
        $both | Should -Match '0>1\s+device_to_device_bidirectional_memcpy_write_ce\s'
        $both | Should -Match '0>1\s+device_to_device_bidirectional_memcpy_sm\s'
        Use-FakeGpu -Setting 'FAKECUDA_PEER=0'
        $quiet = @{ ErrorVariable = 'err'; ErrorAction = 'SilentlyContinue' }
        Measure-GpuBandwidth -Test device_to_device_memcpy_read_sm @Quick @quiet | Should -BeNullOrEmpty
        $err.Count | Should -Be 2
        $err[0].FullyQualifiedErrorId | Should -Be "PeerAccessNotSupported,$BwFqid"
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'Get-GpuTopology'
    }

    It 'validates its parameters' {
        { Measure-GpuBandwidth -Test device_copy } | Should -Throw -ErrorId "ParameterArgumentValidationError,$BwFqid"
        { Measure-GpuBandwidth -Size 8 } | Should -Throw -ErrorId "ParameterArgumentValidationError,$BwFqid"
        { Measure-GpuBandwidth -Iterations 0 } | Should -Throw -ErrorId "ParameterArgumentValidationError,$BwFqid"
    }

    It 'shows a table that fits 80 columns and a list view, also after serialization' {
        $r = @(Measure-GpuBandwidth -Index 0 -Test host_to_device_bidirectional_memcpy_ce, device_local_copy @Quick)
        $table = $r | Out-String -Width 80
        $table | Should -Match 'GPU\s+Test\s+GB/s\s+Traffic\s+%Theo\s+Spread'
        $table | Should -Match 'host_to_device_bidirectional_memcpy_ce'
        ($table -split "`n" | Where-Object { $_.TrimEnd().Length -gt 80 }) | Should -BeNullOrEmpty
        $list = $r | Where-Object Test -Like 'host_*' | Format-List | Out-String -Width 200
        foreach ($label in 'BytesCounted', 'Theoretical', 'Method', 'NumaAffinity', 'CpuAffinity', 'BoundCpus', 'GPU NUMA ID', 'Verified') {
            $list | Should -Match "$label\s*:"
        }
        $list | Should -Match 'PCIe Gen5 x16'
        $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($r))
        $copy[0].PSObject.TypeNames[0] | Should -Be 'Deserialized.DlGpuTools.BandwidthResult'
        ($copy | Out-String -Width 80) | Should -Match 'device_local_copy'
    }
}

Describe 'Measure-GpuBandwidth on a real GPU' -Tag 'Gpu' -Skip:(-not $HasGpu) {
    It 'loads the PTX kernels, and every test on GPU 0 is verified with a plausible figure' {
        $single = @([DlGpuTools.Bandwidth.BandwidthTests]::All | Where-Object Path -NE 'Peer' | ForEach-Object Id)
        $r = @(Measure-GpuBandwidth -Index 0 -Size 256MB -Iterations 3 -ErrorAction Stop | Where-Object PeerIndex -EQ $null)
        $r.Test | Should -Be $single
        $r | ForEach-Object {
            $_.Verified | Should -BeTrue
            $_.PercentOfTheoretical | Should -BeGreaterThan 5 -Because "$($_.Test) should move data at a real rate"
            $_.PercentOfTheoretical | Should -BeLessThan 105 -Because "$($_.Test) cannot beat the hardware"
        }
    }

    It 'measures every peer test between GPUs 0 and 1, both ways, verified and within the link' {
        $gpus = @(& nvidia-smi -L 2>$null | Where-Object { $_ -match '^GPU \d+:' }).Count
        if ($gpus -lt 2) { Set-ItResult -Skipped -Because "it needs two GPUs and nvidia-smi -L lists $gpus"; return }
        $peer = @([DlGpuTools.Bandwidth.BandwidthTests]::All | Where-Object Path -EQ 'Peer' | ForEach-Object Id)
        $r = @(Measure-GpuBandwidth -Index 0, 1 -Test $peer -Size 256MB -Iterations 3 -ErrorAction Stop)
        $r.Count | Should -Be (2 * $peer.Count)
        $r | ForEach-Object {
            $_.Verified | Should -BeTrue
            $pair = "$($_.DeviceIndex)>$($_.PeerIndex)"
            $_.PercentOfTheoretical | Should -BeGreaterThan 5 -Because "$($_.Test) $pair should move data at a real rate"
            $_.PercentOfTheoretical | Should -BeLessThan 105 -Because "$($_.Test) cannot beat the link"
        }
    }
}
