BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
}

AfterAll {
    Clear-FakeGpu
}

Describe 'Get-GpuReport' {
    AfterEach {
        Clear-FakeGpu
        Remove-Item Env:\NVIDIA_TEST_API_KEY, Env:\DLGPU_UNRELATED_VARIABLE -ErrorAction SilentlyContinue
    }

    It 'reports the fake GPUs and libraries, and only the relevant variables' -Skip:$NoFakes {
        Use-FakeGpu
        $env:NVIDIA_TEST_API_KEY = 'nvapi-secret-value'
        $env:DLGPU_UNRELATED_VARIABLE = 'not for the report'
        $report = Get-GpuReport
        $report | Should -BeOfType ([DlGpuTools.GpuReport])
        $report.Gpus.Count | Should -Be 2
        $report.DriverVersion | Should -Be '580.159.04'
        ($report.Libraries | Where-Object Name -eq 'cuDNN').Path | Should -Be $env:DLGPUTOOLS_CUDNN_PATH
        $names = $report.EnvironmentVariables.Name
        $names | Should -Contain 'DLGPUTOOLS_CUDA_DRIVER_PATH'
        $names | Should -Not -Contain 'DLGPU_UNRELATED_VARIABLE'
        ($report.EnvironmentVariables | Where-Object Name -eq 'NVIDIA_TEST_API_KEY').Value | Should -Not -Match 'secret-value'
        $report.ModuleVersion | Should -Be (Get-Module DlGpuTools).Version.ToString()
    }

    It 'gives Markdown to paste, with every section' -Skip:$NoFakes {
        Use-FakeGpu
        $md = Get-GpuReport -AsMarkdown
        $md | Should -BeOfType ([string])
        foreach ($section in '## GPU report', '### GPUs', '### CUDA libraries this process loads', '### Python environments', '### Environment variables') {
            $md | Should -Match ([regex]::Escape($section))
        }
        $md | Should -Match 'NVIDIA Fake H100 80GB HBM3'
    }

    It 'still reports the rest when there is no driver, and says what it searched' {
        $env:DLGPUTOOLS_CUDA_DRIVER_PATH = '/nonexistent/libcuda.so.1'
        $report = Get-GpuReport
        $report.Gpus.Count | Should -Be 0
        ($report.Libraries | Where-Object Name -eq 'CUDA driver').Problem | Should -Match '/nonexistent/libcuda.so.1'
        $report.OperatingSystem | Should -Not -BeNullOrEmpty
    }

    It 'serializes for remoting and keeps its list view' -Skip:$NoFakes {
        Use-FakeGpu
        $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize((Get-GpuReport), 3))
        $copy.PSObject.TypeNames | Should -Contain 'Deserialized.DlGpuTools.GpuReport'
        $text = $copy | Format-List | Out-String -Width 80
        $text | Should -Match 'NVIDIA Fake H100'
        $text | Should -Match 'Libraries'
    }
}
