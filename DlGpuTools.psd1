@{
    # The single source of the version: Directory.Build.props reads it for the assemblies.
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0d6a3e-4b7c-4f29-9d0e-2f6c7b1a9e41'
    RootModule           = 'DlGpuTools.dll'
    Author               = 'DlGpuTools contributors'
    CompanyName          = 'DlGpuTools'
    Copyright            = '(c) DlGpuTools contributors. MIT License.'
    # A data file allows no '+' to join strings, so the text wraps inside a here-string.
    Description          = @'
Know your deep-learning GPU from PowerShell: list NVIDIA GPUs through the CUDA driver and NVML, check CUDA and cuDNN
installs, measure GEMM throughput and pick the next card.
'@
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    # Documents the Windows PowerShell prerequisite; PowerShell 7 does not enforce it (see README).
    DotNetFrameworkVersion = '4.7.2'
    ProcessorArchitecture  = 'Amd64'
    FormatsToProcess     = @('DlGpuTools.Format.ps1xml')
    TypesToProcess       = @('DlGpuTools.Types.ps1xml')
    CmdletsToExport      = @(
        'Get-CudaDevice', 'Test-CuDnnInstall', 'Measure-GpuMatMul', 'Get-GpuSpec', 'Get-GpuRecommendation', 'Get-GpuReport',
        'Measure-GpuBandwidth', 'Get-GpuTopology', 'Get-GpuSample', 'Get-GpuProcess', 'Watch-Gpu', 'ConvertTo-GpuPrometheus',
        'Export-GpuMetric', 'Measure-CpuMatMul', 'Measure-GpuSpeedup', 'Test-GpuHealth', 'Measure-GpuJob', 'Start-GpuJob',
        'Stop-GpuJob', 'Sync-SlurmNodeHealth', 'Measure-GpuCollective'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'CUDA', 'GPU', 'cuDNN', 'NVML', 'DeepLearning')
            ProjectUri   = 'https://github.com/dlgputools/DlGpuTools'
            LicenseUri   = 'https://github.com/dlgputools/DlGpuTools/blob/main/LICENSE'
            # Written at build time from CHANGELOG.md (the Unreleased section and this version's; tools/ReleaseNotes.ps1).
            ReleaseNotes = ''
        }
    }
}
