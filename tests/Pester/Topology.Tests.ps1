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
}

AfterAll { Clear-FakeGpu }

Describe 'Get-GpuTopology with the fake driver and NVML' -Skip:$NoFakes {
    BeforeEach { Use-FakeGpu }
    AfterEach { Clear-FakeGpu }

    It 'returns one object per GPU with its links and affinity, and a table view' {
        $t = @(Get-GpuTopology)
        $t.Count | Should -Be 2
        $t[0] | Should -BeOfType ([DlGpuTools.GpuTopology])
        $t[0].Links[0].Path | Should -Be 'PXB'
        $t[1].CpuAffinity | Should -Be '8-15,24-31'
        $text = $t | Out-String -Width 80
        $text | Should -Match 'GPU\s+NUMA\s+CPU affinity\s+Paths to other GPUs'
        $text | Should -Match '1:PXB P2P'
        ($text -split "`n" | Where-Object { $_.TrimEnd().Length -gt 80 }) | Should -BeNullOrEmpty
        ($t.Links | Out-String -Width 80) | Should -Match 'From\s+To\s+Path\s+Peer\s+Atomics\s+Description'
    }

    It 'prints the nvidia-smi style matrix with -AsMatrix' {
        Use-FakeGpu -Setting 'FAKENVML_NVLINKS=18', 'FAKENVML_NVSWITCH=1'
        $m = @(Get-GpuTopology -AsMatrix)
        # Every line within 80 columns, the legend too (it ran to 104 and 90 characters).
        $m | Where-Object { $_.Length -gt 80 } | Should -BeNullOrEmpty
        $m[0] | Should -BeOfType ([string])
        $m[1] | Should -Match '^GPU0\s+X\s+NV18\s+0-7,16-23\s+0\s+0$'
    }

    It 'keeps links through serialization' {
        $copy = [System.Management.Automation.PSSerializer]::Deserialize(
            [System.Management.Automation.PSSerializer]::Serialize((Get-GpuTopology)[0]))
        $copy.PSObject.TypeNames[0] | Should -Be 'Deserialized.DlGpuTools.GpuTopology'
        $copy.Links[0].Path | Should -Be 'PXB'
        ($copy | Out-String -Width 80) | Should -Match '1:PXB'
    }

    It 'takes the GPUs piped to it (live, deserialized or from JSON) or named by -Index and -Uuid, with links to every other GPU' {
        # Issue 27: a piped device was a binding error, and every GPU came back.
        $one = @(Get-CudaDevice -Index 1 | Get-GpuTopology -ErrorVariable err)
        @($err).Count | Should -Be 0
        $one.Index | Should -Be @(1)
        $one[0].Links.PeerIndex | Should -Be @(0)
        @(Get-CudaDevice -Index 1 | ConvertTo-Json -Depth 3 | ConvertFrom-Json | Get-GpuTopology).Index | Should -Be @(1)
        $copy = [System.Management.Automation.PSSerializer]::Deserialize(
            [System.Management.Automation.PSSerializer]::Serialize((Get-CudaDevice -Index 1)))
        @($copy | Get-GpuTopology).Index | Should -Be @(1)
        @(Get-GpuTopology -Uuid (Get-CudaDevice -Index 1).Uuid).Index | Should -Be @(1)
        @(Get-GpuTopology -Index 1, 0).Index | Should -Be @(0, 1)
        @(Get-CudaDevice | Get-GpuTopology).Index | Should -Be @(0, 1)
        @(Get-GpuTopology -Index 0, 1 -AsMatrix)[1] | Should -Match '^GPU0\s+X\s+PXB'
    }

    It 'advises with -Placement: NVSwitch island whole, each NUMA node apart, bind lines, a view within 80 columns' {
        # Four fake GPUs on one NVSwitch; GPU i is on NUMA node i % 2 (see fakenvml.c).
        Use-FakeGpu -Setting 'FAKECUDA_DEVICES=4', 'FAKENVML_NVLINKS=18', 'FAKENVML_NVSWITCH=1'
        $p = @(Get-GpuTopology -Placement)
        $p.Count | Should -Be 4
        $p[0] | Should -BeOfType ([DlGpuTools.GpuPlacement])
        $p.Group | Should -Be @(0, 0, 0, 0)
        $p[0].GroupLink | Should -Be 'NVSwitch'
        $p[3].VisibleDevices | Should -Be '0,1,2,3'
        $p[0].SameNumaDevices | Should -Be '0,2'
        $p[3].SameNumaDevices | Should -Be '1,3'
        $p[1].Cpus | Should -Be '8-15,24-31'
        $p[1].NumactlCommand | Should -Be 'numactl --cpunodebind=1 --membind=1'
        $p[1].TasksetCommand | Should -Be 'taskset -c 8-15,24-31'
        # One GPU chosen: its group is still found among all four.
        @(Get-GpuTopology -Placement -Index 2).VisibleDevices | Should -Be @('0,1,2,3')
        $text = $p | Out-String -Width 80
        $text | Should -Match 'GPU\s+Link\s+Group GPUs\s+Same NUMA\s+Bind with'
        $text | Should -Match '(?m)^\s+1 NVSwitch 0,1,2,3\s+1,3\s+numactl --cpunodebind=1 --membind=1$'
        ($text -split "`n" | Where-Object { $_.TrimEnd().Length -gt 80 }) | Should -BeNullOrEmpty
        { Get-GpuTopology -Placement -AsMatrix -ErrorAction Stop } |
            Should -Throw -ErrorId 'AmbiguousParameterSet,DlGpuTools.Commands.GetGpuTopologyCommand'
    }

    It 'groups PCIe GPUs by NUMA node with -Placement' {
        Use-FakeGpu -Setting 'FAKECUDA_DEVICES=4'
        $p = @(Get-GpuTopology -Placement)
        $p.VisibleDevices | Should -Be @('0,2', '1,3', '0,2', '1,3')
        $p.Group | Should -Be @(0, 1, 0, 1)
        $p.GroupLink | Select-Object -Unique | Should -Be 'PCIe'
    }

    It 'writes DeviceIndexNotFound and DeviceUuidNotFound for GPUs the host does not have' {
        Get-GpuTopology -Index 7 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'DeviceIndexNotFound,DlGpuTools.Commands.GetGpuTopologyCommand'
        Get-GpuTopology -Uuid 'GPU-00000000-0000-0000-0000-000000000000' -ErrorVariable err -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'DeviceUuidNotFound,DlGpuTools.Commands.GetGpuTopologyCommand'
    }

    It 'writes CudaDriverNotFound without a driver' {
        $env:DLGPUTOOLS_CUDA_DRIVER_PATH = '/nonexistent/libcuda.so.1'
        Get-GpuTopology -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'CudaDriverNotFound,DlGpuTools.Commands.GetGpuTopologyCommand'
    }
}

Describe 'Get-GpuTopology on a real GPU' -Tag 'Gpu' -Skip:(-not $HasGpu) {
    It 'names a path for every pair, as nvidia-smi topo -m does' {
        $t = @(Get-GpuTopology -ErrorAction Stop)
        $gpus = @(& nvidia-smi -L | Where-Object { $_ -match '^GPU \d+:' }).Count
        $t.Count | Should -Be $gpus
        foreach ($gpu in $t) {
            # One link to every other GPU (none on a one-GPU machine), each with a path nvidia-smi would print.
            $links = @($gpu.Links | Where-Object { $null -ne $_ })
            $links.Count | Should -Be ($gpus - 1)
            foreach ($link in $links) { $link.Path | Should -Match '^(NV\d+|PIX|PXB|PHB|NODE|SYS)$' }
        }
    }
}
