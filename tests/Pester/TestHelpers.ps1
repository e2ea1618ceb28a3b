# Dot-sourced by every test file: where the built module and the fake libraries are, and helpers to
# point the module at the fakes. The fakes read fake-gpu.conf beside them (see tests/fakes/fake_common.h).

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ModuleManifest = if ($env:DLGPUTOOLS_TEST_MODULE) { $env:DLGPUTOOLS_TEST_MODULE } else { Join-Path $RepoRoot 'out/DlGpuTools/DlGpuTools.psd1' }
$script:FakesPath = if ($env:DLGPUTOOLS_TEST_FAKES) { $env:DLGPUTOOLS_TEST_FAKES } else { Join-Path $RepoRoot 'out/fakes' }
$script:CmdletFqid = 'DlGpuTools.Commands.GetCudaDeviceCommand'

function Use-FakeGpu {
    param([string[]] $Setting = @(), [string] $Driver = 'libfakecuda.so.1', [string] $Nvml = 'libfakenvml.so.1', [string] $CuBlasLt = 'libfakecublasLt.so.13', [string] $CuDnn = 'cudnn/libcudnn.so.9')
    $env:DLGPUTOOLS_CUDA_DRIVER_PATH = if ([IO.Path]::IsPathRooted($Driver)) { $Driver } else { Join-Path $script:FakesPath $Driver }
    $env:DLGPUTOOLS_NVML_PATH = if ([IO.Path]::IsPathRooted($Nvml)) { $Nvml } else { Join-Path $script:FakesPath $Nvml }
    $env:DLGPUTOOLS_CUDART_PATH = Join-Path $script:FakesPath 'libcudart.so.13'
    $env:DLGPUTOOLS_CUBLAS_PATH = Join-Path $script:FakesPath 'libcublas.so.13'
    $env:DLGPUTOOLS_CUDNN_PATH = Join-Path $script:FakesPath $CuDnn
    $env:DLGPUTOOLS_CUBLASLT_PATH = if ([IO.Path]::IsPathRooted($CuBlasLt)) { $CuBlasLt } else { Join-Path $script:FakesPath $CuBlasLt }
    Set-Content -Path (Join-Path $script:FakesPath 'fake-gpu.conf') -Value $Setting
}

function Clear-FakeGpu {
    Remove-Item Env:\DLGPUTOOLS_CUDA_DRIVER_PATH, Env:\DLGPUTOOLS_NVML_PATH, Env:\DLGPUTOOLS_CUBLASLT_PATH, Env:\DLGPUTOOLS_CUDART_PATH, Env:\DLGPUTOOLS_CUBLAS_PATH, Env:\DLGPUTOOLS_CUDNN_PATH -ErrorAction SilentlyContinue
    Remove-Item (Join-Path $script:FakesPath 'fake-gpu.conf') -ErrorAction SilentlyContinue
}

function Test-FakesAvailable {
    $IsLinux -and (Test-Path (Join-Path $script:FakesPath 'libfakecuda.so.1'))
}

function Test-GpuPresent {
    # A real NVIDIA GPU with a working driver: nvidia-smi lists at least one device.
    $smi = Get-Command nvidia-smi -ErrorAction SilentlyContinue
    if (-not $smi) { return $false }
    $list = & $smi.Source -L 2>$null
    ($LASTEXITCODE -eq 0) -and ($list -match '^GPU \d+:')
}

function Get-PwshCommand {
    # This process's own pwsh: the dotnet host plus pwsh.dll when run as a dotnet tool, else the executable.
    $self = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    if ((Split-Path $self -Leaf) -match '^dotnet(\.exe)?$') { return @($self, [System.Reflection.Assembly]::GetEntryAssembly().Location) }
    @($self)
}

function Invoke-RunspaceStress {
    param([string] $FakesPath, [int] $Seconds = 20)
    $pwsh = @(Get-PwshCommand)
    $stressArgs = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'RunspaceStress.ps1'), '-ModuleManifest', $script:ModuleManifest, '-Seconds', $Seconds)
    if ($FakesPath) { $stressArgs += @('-FakesPath', $FakesPath) }
    $text = & $pwsh[0] (@($pwsh | Select-Object -Skip 1) + $stressArgs) 2>&1 | Out-String
    [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $text; Summary = $(try { $text.Substring($text.IndexOf('{')) | ConvertFrom-Json } catch { $null }) }
}

# The error ids a runspace may legitimately see while another changes the overrides: the driver is missing,
# too old, or shows no device. Anything else (a failed CUDA call, a wrong GEMM, ObjectDisposed) is a defect.
$script:ClassifiedErrorPattern = '^(CudaDriverNotFound|CudaDriverTooOld|CudaDeviceNotFound|DeviceIndexNotFound),DlGpuTools\.Commands\.\w+Command \['
