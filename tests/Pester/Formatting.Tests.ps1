# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
}

Describe 'Views and serialization of CudaDevice' -Skip:$NoFakes {
    BeforeAll {
        Use-FakeGpu
        $script:Devices = @(Get-CudaDevice)
    }
    AfterAll { Clear-FakeGpu }

    It 'shows used and total memory, utilization, temperature, power and processes within 80 columns' {
        $text = $Devices | Out-String -Width 80
        $lines = $text -split "`r?`n"
        $lines | Where-Object { $_.Length -gt 80 } | Should -BeNullOrEmpty
        $text | Should -Match '#\s+Name\s+CC\s+Memory GiB\s+Util\s+Temp\s+Power W\s+Procs'
        # nvidia-smi's memory figures: in use is NVML's board total less NVML's free memory.
        $d = $Devices[0]
        $used = '{0:N1}/{1:N1}' -f (([double]$d.NvmlTotalMemory - $d.FreeMemory) / 1GB), ($d.NvmlTotalMemory / 1GB)
        $text | Should -Match ([regex]::Escape($used))
        $text | Should -Match 'NVIDIA Fake H100 80GB HBM3'
        $text | Should -Match '40°C'
        $text | Should -Match '73/700'
        $text | Should -Match "$([regex]::Escape($used))\s+\d+%\s+40°C\s+73/700\s+2"
        $text | Should -Not -Match '…'
    }

    It 'wraps a long device name instead of cutting it' {
        $long = $Devices[0].PSObject.Copy()
        $long.Name = 'NVIDIA RTX PRO 6000 Blackwell Workstation Edition'
        $text = $long | Out-String -Width 80
        $text | Should -Not -Match '…'
        $text | Should -Match 'NVIDIA RTX PRO 6000 Blackwell'
        $text | Should -Match 'Edition'
    }

    It 'exports processes as readable text' {
        $csv = $Devices[0] | Select-Object Index, Processes | ConvertTo-Csv
        $csv[1] | Should -Match '\(1\) 512 MiB'
        $csv[1] | Should -Not -Match 'GpuProcess'
    }

    It 'shows every fact in the list view' {
        $text = $Devices[0] | Format-List | Out-String -Width 200
        foreach ($label in 'Uuid', 'PciBusId', 'Architecture', 'MemoryBandwidth', 'L2Cache', 'PcieLink', 'Processes', 'CudaDriverVersion') {
            $text | Should -Match "$label\s*:" -Because "the list view shows $label"
        }
        $text | Should -Match 'newest CUDA this driver supports'
        $text | Should -Match '3,352 GB/s|3352 GB/s|3.352 GB/s'
    }

    It 'formats with Format-Table, Format-List *, Format-Wide and Format-Custom without errors' {
        { $Devices | Format-Table | Out-String; $Devices | Format-List * | Out-String; $Devices | Format-Wide | Out-String; $Devices |
            Format-Custom | Out-String } | Should -Not -Throw
    }

    It 'converts to JSON with plain values and back' {
        $back = $Devices | ConvertTo-Json -Depth 4 | ConvertFrom-Json
        $back[0].TotalMemory | Should -Be $Devices[0].TotalMemory
        $back[0].Uuid | Should -Be $Devices[0].Uuid
        $back[0].Processes[0].UsedMemory | Should -Be (512MB)
    }

    It 'survives a PSSerializer round trip with its type name, nested processes and views' {
        $xml = [System.Management.Automation.PSSerializer]::Serialize($Devices[0])
        $copy = [System.Management.Automation.PSSerializer]::Deserialize($xml)
        $copy.PSObject.TypeNames[0] | Should -Be 'Deserialized.DlGpuTools.CudaDevice'
        $copy.TotalMemory | Should -Be $Devices[0].TotalMemory
        $copy.Processes[0].ProcessId | Should -Be 1 -Because 'SerializationDepth 2 keeps processes as objects'
        ($copy | Out-String -Width 80) | Should -Match 'Memory GiB'
        ($copy | Format-List | Out-String -Width 200) | Should -Match 'MemoryBandwidth'
    }
}

Describe 'List properties in Export-Csv' -Skip:$NoFakes {
    BeforeAll { Use-FakeGpu }
    AfterAll { Clear-FakeGpu }

    It 'exports <Name> without a type name where the values should be' -ForEach @(
        @{ Name = 'Get-GpuSpec'; Produce = { Get-GpuSpec 'RTX 4090' } }
        @{ Name = 'Get-GpuRecommendation'
        Produce = {
            Get-GpuRecommendation -ModelParameters 7e9 -Training -Precision BF16 -WarningAction SilentlyContinue | Select-Object -First 3
        } }
        @{ Name = 'Test-CuDnnInstall'; Produce = { Test-CuDnnInstall -ErrorAction SilentlyContinue } }
        @{ Name = 'Get-GpuSample'; Produce = { Get-GpuSample } }
        @{ Name = 'Get-CudaDevice'; Produce = { Get-CudaDevice } }
    ) {
        $csv = (& $Produce | ConvertTo-Csv) -join "`n"
        $csv | Should -Not -Match 'System\.String\[\]|ReadableList|DlGpuTools\.\w+\[\]'
    }
}
