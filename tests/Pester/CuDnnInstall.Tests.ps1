# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    $script:TcFqid = 'DlGpuTools.Commands.TestCuDnnInstallCommand'
}

AfterAll { Clear-FakeGpu }

Describe 'Test-CuDnnInstall help' {
    It 'lists every registered check by its id, from the catalogue that runs them' {
        $registry = [DlGpuTools.Diagnostics.InstallChecks.InstallCheckCatalogue]::Registry
        $registry.Ids.Count | Should -BeGreaterThan 10
        $text = ((Get-Help Test-CuDnnInstall).Description.Text -join ' ') -replace '\s+', ' '
        foreach ($id in $registry.Ids) {
            $text | Should -Match ([regex]::Escape("($id)")) -Because "the help names each check with its id, and '$id' is registered"
        }
    }
}

Describe 'Test-CuDnnInstall on a machine without a driver' {
    BeforeEach {
        Clear-FakeGpu
        foreach ($v in 'CUDA_DRIVER', 'NVML', 'CUDART', 'CUBLAS', 'CUDNN', 'CUBLASLT') {
            Set-Item "Env:DLGPUTOOLS_${v}_PATH" "/nonexistent/$v.so"
        }
    }
    AfterEach { Clear-FakeGpu }

    It 'reports every check, fails the missing parts with a remedy, and leaves $? false' {
        $checks = @(Test-CuDnnInstall -ErrorVariable err -ErrorAction SilentlyContinue)
        $checks[0] | Should -BeOfType ([DlGpuTools.InstallCheck])
        $checks[-1].Id | Should -Be 'verdict'
        $checks[-1].Name | Should -Be 'Verdict'
        $checks[-1].Status | Should -Be 'Failed'
        ($checks | Where-Object Id -eq 'driver').Status | Should -Be 'Failed'
        ($checks | Where-Object Id -eq 'driver').Searched |
            Should -Contain '/nonexistent/CUDA_DRIVER.so ($env:DLGPUTOOLS_CUDA_DRIVER_PATH): no such file'
        ($checks | Where-Object Id -eq 'gpus').Status | Should -Be 'Skipped'
        $checks | Where-Object Status -eq 'Failed' | ForEach-Object { $_.Remedy | Should -Not -BeNullOrEmpty }
        $err[0].FullyQualifiedErrorId | Should -Be "CuDnnInstallCheckFailed,$TcFqid"
        Test-CuDnnInstall -ErrorAction SilentlyContinue | Out-Null
        $? | Should -BeFalse
    }

    It 'answers -Quiet with $false alone, and stops a script with -ErrorAction Stop' {
        $answer = @(Test-CuDnnInstall -Quiet)
        $answer.Count | Should -Be 1
        $answer[0] | Should -BeOfType ([bool])
        $answer[0] | Should -BeFalse
        { Test-CuDnnInstall -ErrorAction Stop } | Should -Throw -ErrorId "CuDnnInstallCheckFailed,$TcFqid"
    }
}

Describe 'Test-CuDnnInstall with the fake driver, runtime, cuBLAS and cuDNN' -Skip:$NoFakes {
    AfterEach {
        Clear-FakeGpu
        Remove-Item Env:\DLGPUTOOLS_NCCL_PATH -ErrorAction SilentlyContinue
    }

    It 'passes a healthy install and says where each library came from' {
        Use-FakeGpu
        $env:DLGPUTOOLS_NCCL_PATH = Join-Path $FakesPath 'libnccl.so.2'
        $checks = @(Test-CuDnnInstall)
        # Other copies and PyTorch depend on the machine (a GPU box has real cuDNN copies besides the fakes).
        $bad = $checks | Where-Object { $_.Status -notin 'Passed', 'Skipped' -and $_.Id -notin 'pytorch', 'library-copies', 'verdict' }
        $bad | Should -BeNullOrEmpty -Because (($bad | ForEach-Object { "$($_.Name): $($_.Detail)" }) -join '; ')
        ($checks | Where-Object Id -eq 'cudnn').Path | Should -BeLike '*cudnn/libcudnn.so.9'
        ($checks | Where-Object Id -eq 'cudnn').Version | Should -Be '9.14.0'
        ($checks | Where-Object Id -eq 'nccl').Version | Should -Be '2.27.3'
        Test-CuDnnInstall -Quiet | Should -BeTrue
    }

    It 'names the missing sub-libraries of a bare cuDNN and answers -Quiet with $false' {
        Use-FakeGpu -CuDnn 'cudnn-bare/libcudnn.so.9'
        $checks = @(Test-CuDnnInstall -ErrorAction SilentlyContinue)
        $subs = $checks | Where-Object Id -eq 'cudnn-sublibraries'
        $subs.Status | Should -Be 'Failed'
        $subs.Detail | Should -Match 'libcudnn_cnn\.so\.9'
        $subs.Remedy | Should -Match 'complete cuDNN package'
        ($checks | Where-Object Id -eq 'cudnn-convolution').Detail | Should -Match 'SUBLIBRARY_LOADING_FAILED'
        Test-CuDnnInstall -Quiet | Should -BeFalse
    }

    It ('warns, naming where they come from, when the sub-libraries load from another folder at the same version; ' +
        'fails for another version') {
        # A lone main library first, the complete cuDNN in a folder the loader searches (LD_LIBRARY_PATH at start,
        # as on a machine with the complete install in the system folder): cuDNN loads them by name from there.
        $folder = New-PrivateTempDirectory -Prefix 'dlgpu-pester-'
        try {
            foreach ($release in '9.14.0', '9.10.0') {
                $elsewhere = Join-Path $folder $release
                [void](New-Item -ItemType Directory -Path $elsewhere)
                foreach ($sub in Get-ChildItem (Join-Path $FakesPath 'cudnn') -Filter 'libcudnn_*.so.9') {
                    Copy-Item $sub.FullName (Join-Path $elsewhere "$($sub.Name).$($release.Substring(2))")
                    & ln -s "$($sub.Name).$($release.Substring(2))" (Join-Path $elsewhere $sub.Name)
                }
            }

            $fakes = @{
                DLGPUTOOLS_CUDA_DRIVER_PATH = Join-Path $FakesPath 'libfakecuda.so.1'
                DLGPUTOOLS_NVML_PATH = Join-Path $FakesPath 'libfakenvml.so.1'
                DLGPUTOOLS_CUDART_PATH = Join-Path $FakesPath 'libcudart.so.13'
                DLGPUTOOLS_CUBLAS_PATH = Join-Path $FakesPath 'libcublas.so.13'
                DLGPUTOOLS_CUBLASLT_PATH = Join-Path $FakesPath 'libfakecublasLt.so.13'
                DLGPUTOOLS_CUDNN_PATH = Join-Path $FakesPath 'cudnn-bare/libcudnn.so.9'
            }
            $show = "Test-CuDnnInstall | Where-Object Id -in 'cudnn-sublibraries', 'cudnn-convolution' | " +
                "ForEach-Object { '{0}|{1}|{2}' -f `$_.Name, `$_.Status, `$_.Detail }"
            $same = Invoke-BoundedPwsh -WorkingDirectory $folder -Environment ($fakes + @{
                LD_LIBRARY_PATH = Join-Path $folder '9.14.0'
            }) -Script $show
            $same.Output |
                Should -Match ('cuDNN sub-libraries\|Warning\|Not beside .*found by name.*libcudnn_ops\.so\.9 from ' +
                    [regex]::Escape((Join-Path $folder '9.14.0')) + '.*\(9\.14\.0\)')
            $same.Output | Should -Match 'cuDNN convolution on the GPU\|Passed'
            $other = Invoke-BoundedPwsh -WorkingDirectory $folder -Environment ($fakes + @{
                LD_LIBRARY_PATH = Join-Path $folder '9.10.0'
            }) -Script $show
            $other.Output | Should -Match 'cuDNN sub-libraries\|Failed\|.*another release: .*version 9\.10\.0'

            # A complete main library with one damaged sub-library beside it, and a sound copy where the loader looks:
            # cuDNN loads that copy (as on an H100 with a truncated libcudnn_ops), so a warning names the damaged file.
            $damaged = Join-Path $folder 'damaged'
            Copy-Item -Recurse (Join-Path $FakesPath 'cudnn') $damaged
            Set-Content -Path (Join-Path $damaged 'libcudnn_ops.so.9') -Value 'not a library'
            $fakes.DLGPUTOOLS_CUDNN_PATH = Join-Path $damaged 'libcudnn.so.9'
            $split = Invoke-BoundedPwsh -WorkingDirectory $folder -Environment ($fakes + @{
                LD_LIBRARY_PATH = Join-Path $folder '9.14.0'
            }) -Script $show
            $damagedPattern = 'cuDNN sub-libraries\|Warning\|Damaged beside .*libcudnn_ops\.so\.9 \(not a shared library' +
                '.*found by name.*libcudnn_ops\.so\.9 from '
            $split.Output | Should -Match $damagedPattern
            $split.Output | Should -Match 'cuDNN convolution on the GPU\|Passed'
            # With the damaged folder itself on the loader's path, that file is what loads: Failed, as before.
            $trap = Invoke-BoundedPwsh -WorkingDirectory $folder -Environment ($fakes + @{ LD_LIBRARY_PATH = $damaged }) -Script $show
            $trap.Output | Should -Match 'cuDNN sub-libraries\|Failed\|Present but not loadable: libcudnn_ops\.so\.9'
        }
        finally {
            Remove-Item $folder -Recurse -Force -ErrorAction SilentlyContinue
        }
    }

    It 'says a library the override points at was found but could not be loaded, with the loader''s reason and a fix for the variable' {
        $folder = New-PrivateTempDirectory -Prefix 'dlgpu-pester-'
        $text = Join-Path $folder 'libcudnn-notes.so.9'
        Set-Content -Path $text -Value 'A text file where cuDNN was expected, long enough to hold an ELF header and more.'
        try {
            Use-FakeGpu
            $env:DLGPUTOOLS_CUDNN_PATH = $text
            $checks = @(Test-CuDnnInstall -ErrorAction SilentlyContinue)
            $cudnn = $checks | Where-Object Id -eq 'cudnn'
            $cudnn.Status | Should -Be 'Failed'
            $cudnn.Detail | Should -BeLike "cuDNN was found but could not be loaded: $text*invalid ELF header*"
            $cudnn.Remedy | Should -BeLike '$env:DLGPUTOOLS_CUDNN_PATH points at*'
            $cudnn.Remedy | Should -Not -Match 'Install cuDNN'
            ($checks | Where-Object Id -eq 'environment').Detail | Should -Match ([regex]::Escape("DLGPUTOOLS_CUDNN_PATH=$text"))
        }
        finally {
            Remove-Item $folder -Recurse -ErrorAction SilentlyContinue
        }
    }

    It 'fails a cuDNN older than -MinimumCudnnVersion' {
        Use-FakeGpu
        $check = Test-CuDnnInstall -MinimumCudnnVersion 9.20 -ErrorAction SilentlyContinue | Where-Object Id -eq 'cudnn'
        $check.Status | Should -Be 'Failed'
    }

    It 'shows failures with their fix in the table, and survives serialization' {
        Use-FakeGpu -CuDnn 'cudnn-bare/libcudnn.so.9'
        $checks = Test-CuDnnInstall -ErrorAction SilentlyContinue
        $text = $checks | Out-String -Width 250
        $text | Should -Match 'Status\s+Check\s+Detail'
        $text | Should -Match '(?s)Failed\s+cuDNN sub-libraries.*?FIX:'
        $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($checks[0]))
        $copy.PSObject.TypeNames[0] | Should -Be 'Deserialized.DlGpuTools.InstallCheck'
        ($checks | ConvertTo-Json -Depth 4 | ConvertFrom-Json)[-1].Name | Should -Be 'Verdict'
    }
}
