# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Cmdlets = @((Import-PowerShellDataFile $ModuleManifest).CmdletsToExport)
    $script:NotInRepository = -not (Test-Path (Join-Path $RepoRoot 'DlGpuTools.psd1'))
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Module = Import-Module $ModuleManifest -Force -PassThru
}

Describe 'The module manifest' {
    It 'is valid' {
        { Test-ModuleManifest -Path $ModuleManifest -ErrorAction Stop } | Should -Not -Throw
    }

    It 'is the same file as the one at the repository root, but for the release notes the build writes' -Skip:$NotInRepository {
        $withoutNotes = { param($path) (Get-Content -Raw $path) -replace "(?ms)^\s*ReleaseNotes\s*=\s*(@'\r?\n.*?\r?\n'@|'[^'\r\n]*')", '' }
        (& $withoutNotes $ModuleManifest) | Should -Be (& $withoutNotes (Join-Path $RepoRoot 'DlGpuTools.psd1'))
    }

    It 'has a version equal to the assemblies'' versions' {
        $manifest = Test-ModuleManifest -Path $ModuleManifest
        foreach ($dll in 'DlGpuTools.dll', 'DlGpuTools.Engine.dll') {
            $name = [Reflection.AssemblyName]::GetAssemblyName((Join-Path (Split-Path $ModuleManifest) $dll))
            $name.Version.ToString(3) | Should -Be $manifest.Version.ToString(3) -Because "$dll takes its version from the manifest"
        }
    }

    It 'declares both editions, PowerShell 5.1 and the project tags' {
        $data = Import-PowerShellDataFile $ModuleManifest
        $data.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $data.PowerShellVersion | Should -Be '5.1'
        $data.PrivateData.PSData.Tags | Should -Contain 'PSEdition_Desktop'
        $data.PrivateData.PSData.Tags | Should -Contain 'PSEdition_Core'
        $data.PrivateData.PSData.Tags | Should -Contain 'CUDA'
        $data.FunctionsToExport.Count | Should -Be 0
        $data.AliasesToExport.Count | Should -Be 0
    }

    It 'ships no third-party assembly' {
        $dlls = Get-ChildItem (Split-Path $ModuleManifest) -Filter *.dll -Recurse | ForEach-Object Name | Sort-Object
        $dlls | Should -Be @('DlGpuTools.dll', 'DlGpuTools.Engine.dll')
    }
}

Describe 'The exported commands' {
    It 'exports exactly the cmdlets the manifest names' {
        $declared = (Import-PowerShellDataFile $ModuleManifest).CmdletsToExport | Sort-Object
        ($Module.ExportedCmdlets.Keys | Sort-Object) | Should -Be $declared
    }

    It '<_> uses an approved verb and declares its output type' -ForEach $Cmdlets {
        $command = Get-Command $_
        (Get-Verb).Verb | Should -Contain $command.Verb
        $command.OutputType.Count | Should -BeGreaterThan 0
    }
}

Describe 'Help' {
    It '<_> has a synopsis, a description and examples from the MAML file' -ForEach $Cmdlets {
        $help = Get-Help $_ -Full
        # Auto-generated help has the syntax line as synopsis and no examples.
        $help.Synopsis | Should -Not -Match ([regex]::Escape("$_ ["))
        $help.Synopsis.Length | Should -BeGreaterThan 20
        $help.description.Text | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterOrEqual 3
        foreach ($example in $help.examples.example) { $example.code | Should -Not -BeNullOrEmpty }
    }

    It '<_> describes every parameter' -ForEach $Cmdlets {
        $help = Get-Help $_ -Full
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        $parameters = (Get-Command $_).Parameters.Keys | Where-Object { $common -notcontains $_ }
        foreach ($name in $parameters) {
            $p = $help.parameters.parameter | Where-Object name -eq $name
            $p | Should -Not -BeNullOrEmpty -Because "-$name needs help"
            ($p.description.Text -join ' ') | Should -Not -BeNullOrEmpty -Because "-$name needs a description"
        }
    }

    It 'shows each parameter''s default value, as the cmdlet really has it' {
        (Get-Help Measure-GpuMatMul -Parameter Iterations).defaultValue | Should -Be '20'
        (Get-Help Measure-GpuMatMul -Parameter DataType).defaultValue | Should -Be 'FP32, TF32, FP16, BF16'
        (Get-Help Get-CudaDevice -Parameter Index).defaultValue | Should -Be 'None'
    }

    It 'names parameter types as users write them, never a generic type name such as Nullable`1' {
        (Get-Help Test-GpuHealth -Parameter ExpectedGpuCount).type.name | Should -Be 'System.Int32'
        $syntax = Get-Help Test-GpuHealth | Out-String -Width 200
        $syntax | Should -Match '-ExpectedGpuCount <Int32>'
        foreach ($name in $Cmdlets) { (Get-Help $name -Full | Out-String -Width 200) | Should -Not -Match '`1' -Because "$name's help" }
    }

    It 'keeps a bulleted list as separate paragraphs' {
        $paragraphs = @((Get-Help Get-GpuReport).description.Text)
        @($paragraphs | Where-Object { $_ -like '- *' }).Count | Should -BeGreaterOrEqual 5
    }

    It 'has the about_DlGpuTools topic' {
        $about = Get-Help about_DlGpuTools
        ($about | Out-String) | Should -Match 'DLGPUTOOLS_CUDA_DRIVER_PATH'
    }
}

Describe 'Release notes' {
    It 'name every exported cmdlet' {
        $data = Import-PowerShellDataFile $ModuleManifest
        foreach ($cmdlet in $data.CmdletsToExport) {
            $data.PrivateData.PSData.ReleaseNotes | Should -Match ([regex]::Escape($cmdlet)) -Because "the release notes describe $cmdlet"
        }
    }
}
