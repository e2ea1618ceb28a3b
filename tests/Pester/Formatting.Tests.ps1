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

    It 'shows the default table view with units' {
        $text = $Devices | Out-String -Width 120
        $text | Should -Match 'Index\s+Name\s+CC\s+Memory\s+Util\s+Temp\s+Driver\s+MaxCUDA'
        $text | Should -Match '79\.6 GiB'
        $text | Should -Match '40°C'
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
        { $Devices | Format-Table | Out-String; $Devices | Format-List * | Out-String; $Devices | Format-Wide | Out-String; $Devices | Format-Custom | Out-String } | Should -Not -Throw
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
        ($copy | Out-String -Width 120) | Should -Match 'MaxCUDA'
        ($copy | Format-List | Out-String -Width 200) | Should -Match 'MemoryBandwidth'
    }
}
