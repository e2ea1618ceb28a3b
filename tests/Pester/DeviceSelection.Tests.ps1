# One device-selection rule for every command that takes a GPU (issue 23; issue 27 found three that had their
# own): -Index and -Uuid bound by property name, -InputObject by value, so a device from Get-CudaDevice, from
# remoting (deserialized) or from ConvertFrom-Json picks that GPU; a key that names no GPU is DeviceIndexNotFound
# or DeviceUuidNotFound.

# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable)
    # Each command that works on this host's GPUs, the arguments that make it quick on the fakes, and how to read
    # which GPUs its output is about (none where the output does not say, e.g. Watch-Gpu's screens).
    $script:DeviceCommands = @(
        @{ Name = 'Get-CudaDevice'; Arguments = @{}; Gpus = { param($out) $out.Index } }
        @{ Name = 'Measure-GpuMatMul'; Arguments = @{ DataType = 'FP32'; Size = 32; Iterations = 2; Warmup = 0; AlgorithmCandidates = 2 }
        Gpus = { param($out) $out.DeviceIndex } }
        @{ Name = 'Measure-GpuBandwidth'; Arguments = @{ Test = 'device_write_sm'; Size = 1MB + 48; Iterations = 2; Warmup = 0 }
        Gpus = { param($out) $out.DeviceIndex } }
        @{ Name = 'Measure-GpuSpeedup'; Arguments = @{ DataType = 'FP32'; Size = 32; NoMlpShape = $true; Iterations = 2 }
        Gpus = { param($out) $out.GpuIndex } }
        @{ Name = 'Test-GpuHealth'; Arguments = @{ XidWatchSeconds = 0 }; Gpus = { param($out) $out.Gpus.Index } }
        @{ Name = 'Get-GpuTopology'; Arguments = @{}; Gpus = { param($out) $out.Index } }
        @{ Name = 'Get-GpuSample'; Arguments = @{ SampleInterval = 0.05 }; Gpus = { param($out) $out.Index } }
        @{ Name = 'Get-GpuProcess'; Arguments = @{}; Gpus = $null } # the fake runs processes on GPU 0 only
        @{ Name = 'Watch-Gpu'; Arguments = @{ Count = 1; Interval = 0.1; Plain = $true }; Gpus = $null }
        @{ Name = 'Measure-GpuJob'; Arguments = @{ ScriptBlock = { 'work' }; SampleInterval = 0.05 }
            Gpus = {
                param($out) ($out |
                    Where-Object {
                        $_.PSTypeNames -contains 'DlGpuTools.GpuJobSummary' -or
                            $_.PSTypeNames -contains 'Deserialized.DlGpuTools.GpuJobSummary'
                    }).Index
            } }
        # A collective needs two GPUs, so it cannot be shown on GPU 1 alone; it selects by the same rule.
        @{ Name = 'Measure-GpuCollective'
        Arguments = @{ MinBytes = 8; MaxBytes = 64; Iterations = 1; Warmup = 0; Batches = 1 }; Gpus = $null }
        # Its output is the state file, which names no GPU by index; a private folder, so nothing lands in /run.
        @{ Name = 'Start-GpuJob'
        Arguments = @{ Name = 'device-selection'; StateFolder = (New-PrivateTempDirectory -Prefix 'dlgpu-jobs-') }; Gpus = $null }
    )
    $script:Readable = @($DeviceCommands | Where-Object { $null -ne $_.Gpus })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    $script:NoSuchUuid = 'GPU-00000000-0000-0000-0000-000000000000'
}

AfterAll { Clear-FakeGpu; Remove-Item Env:DLGPUTOOLS_BLAS_PATH -ErrorAction SilentlyContinue }

Describe 'The device parameters of every command that takes a GPU' {
    It '<Name> binds -Index and -Uuid by property name and -InputObject by value, with the usual aliases' -ForEach $DeviceCommands {
        $parameters = (Get-Command $Name -Module DlGpuTools).Parameters
        $index = $parameters['Index']
        $index.ParameterType | Should -Be ([int[]])
        $index.Aliases | Should -Contain 'DeviceIndex'
        $index.Aliases | Should -Contain 'Ordinal'
        $uuid = $parameters['Uuid']
        $uuid.ParameterType | Should -Be ([string[]])
        $uuid.Aliases | Should -Contain 'GpuUuid'
        foreach ($p in $index, $uuid) { $p.ParameterSets.Values.ValueFromPipelineByPropertyName | Should -Not -Contain $false }
        $parameters['InputObject'].ParameterType | Should -Be ([DlGpuTools.CudaDevice[]])
        $parameters['InputObject'].ParameterSets.Values.ValueFromPipeline | Should -Not -Contain $false
    }

    It 'is the whole list: no other command takes a GPU by index, UUID or device object' {
        # A new command that takes a GPU belongs in the list above, and so under the same rule.
        $taking = Get-Command -Module DlGpuTools -CommandType Cmdlet | Where-Object {
            $_.Parameters.ContainsKey('Index') -or $_.Parameters.ContainsKey('Uuid') -or
            ($_.Parameters.ContainsKey('InputObject') -and $_.Parameters['InputObject'].ParameterType -eq [DlGpuTools.CudaDevice[]])
        }
        @($taking.Name | Sort-Object) | Should -Be @($DeviceCommands.Name | Sort-Object)
    }
}

Describe 'Device selection with the fake driver' -Skip:$NoFakes {
    BeforeAll {
        # Clean and idle, so Test-GpuHealth writes no error of its own.
        Use-FakeGpu -Setting 'FAKENVML_ECC_HISTORY=0', 'FAKENVML_GPU0_PROCESSES=0'
        $env:DLGPUTOOLS_BLAS_PATH = Join-Path $FakesPath 'blas/openblas'
        $script:Device1 = Get-CudaDevice -Index 1
    }

    It '<Name> -Index 7 writes DeviceIndexNotFound, and a UUID no GPU has writes DeviceUuidNotFound' -ForEach $DeviceCommands {
        $silent = @{ ErrorAction = 'SilentlyContinue'; WarningAction = 'SilentlyContinue'; InformationAction = 'SilentlyContinue' }
        $null = & $Name @Arguments -Index 7 -ErrorVariable err @silent
        @($err.FullyQualifiedErrorId) | Should -Contain "DeviceIndexNotFound,$((Get-Command $Name).ImplementingType.FullName)"
        $null = & $Name @Arguments -Uuid $NoSuchUuid -ErrorVariable err @silent
        @($err.FullyQualifiedErrorId) | Should -Contain "DeviceUuidNotFound,$((Get-Command $Name).ImplementingType.FullName)"
    }

    It '<Name> works on GPU 1 when it is piped live, deserialized, or from JSON' -ForEach $Readable {
        $inputs = @{
            live = $Device1
            deserialized = [System.Management.Automation.PSSerializer]::Deserialize(
                [System.Management.Automation.PSSerializer]::Serialize($Device1))
            json = $Device1 | ConvertTo-Json -Depth 3 | ConvertFrom-Json
        }
        foreach ($kind in $inputs.Keys) {
            $out = $inputs[$kind] | & $Name @Arguments -ErrorVariable err -InformationAction SilentlyContinue
            @($err).Count | Should -Be 0 -Because "$kind input binds without error"
            @(& $Gpus $out | Select-Object -Unique) | Should -Be @(1) -Because "$kind input names GPU 1"
        }
    }
}
