using System;
using System.Collections.Generic;
using System.Linq;

namespace DlGpuTools
{
    /// <summary>
    /// Everything about a machine's deep-learning stack that a bug report needs, as one object (Get-GpuReport):
    /// the host, the driver and GPUs, the CUDA libraries this process would load and their other copies, the
    /// Python environments and their frameworks, and the relevant environment variables (never secrets).
    /// </summary>
    public sealed class GpuReport
    {
        public string? ModuleVersion { get; set; }

        public string? PowerShellVersion { get; set; }

        public string? OperatingSystem { get; set; }

        public string? Kernel { get; set; }

        /// <summary>True under Windows Subsystem for Linux.</summary>
        public bool Wsl { get; set; }

        /// <summary>The container runtime this process runs in (docker, podman, kubernetes, containerd), or null.</summary>
        public string? Container { get; set; }

        public string? DriverVersion { get; set; }

        /// <summary>The newest CUDA the driver supports (what nvidia-smi calls "CUDA Version").</summary>
        public string? CudaDriverVersion { get; set; }

        public ReadableList<CudaDevice> Gpus { get; set; } = new ReadableList<CudaDevice>();

        public ReadableList<LibraryReport> Libraries { get; set; } = new ReadableList<LibraryReport>();

        public ReadableList<PythonEnvironmentReport> PythonEnvironments { get; set; } = new ReadableList<PythonEnvironmentReport>();

        /// <summary>CUDA_*, NVIDIA_*, DLGPUTOOLS_* variables and the library search path, by name.</summary>
        public ReadableList<EnvironmentVariableReport> EnvironmentVariables { get; set; } = new ReadableList<EnvironmentVariableReport>();

        /// <summary>What could not be read, and why (a report never fails as a whole).</summary>
        public ReadableList<string> Problems { get; set; } = new ReadableList<string>();

        public double DurationMs { get; set; }

        public override string ToString() =>
            $"GPU report: {Gpus.Count} GPU(s), driver {DriverVersion ?? "none"}, {PythonEnvironments.Count} Python environment(s)";
    }

    /// <summary>One CUDA library as this process would load it, and the other copies on the machine.</summary>
    public sealed class LibraryReport
    {
        /// <summary>CUDA driver, NVML, CUDA runtime, cuBLAS, cuBLASLt or cuDNN.</summary>
        public string? Name { get; set; }

        public string? Version { get; set; }

        /// <summary>The file that loads here, or null when none does.</summary>
        public string? Path { get; set; }

        /// <summary>Why it did not load, when it did not.</summary>
        public string? Problem { get; set; }

        public ReadableList<string> OtherCopies { get; set; } = new ReadableList<string>();

        public override string ToString() => $"{Name} {Version ?? "-"} {Path ?? Problem}";
    }

    /// <summary>One Python environment and the frameworks in it, read from files.</summary>
    public sealed class PythonEnvironmentReport
    {
        /// <summary>venv, conda, pyenv, user or system.</summary>
        public string? Kind { get; set; }

        public string? Prefix { get; set; }

        public string? PythonVersion { get; set; }

        public string? Torch { get; set; }

        public string? TorchCuda { get; set; }

        public string? TensorFlow { get; set; }

        public string? TensorFlowCuda { get; set; }

        public string? Jax { get; set; }

        public string? JaxCuda { get; set; }

        /// <summary>What in this environment could not be read, and why; the rest of it is still reported.</summary>
        public string? Problem { get; set; }

        public bool HasFramework => Torch != null || TensorFlow != null || Jax != null;

        public override string ToString()
        {
            var parts = new List<string>();
            if (Torch != null) parts.Add($"torch {Torch} ({TorchCuda})");
            if (TensorFlow != null) parts.Add($"tensorflow {TensorFlow} ({TensorFlowCuda ?? "CUDA unknown"})");
            if (Jax != null) parts.Add($"jax {Jax} ({JaxCuda ?? "CUDA unknown"})");
            return $"{Kind} {Prefix}: " + (parts.Count == 0 ? "no deep-learning framework" : string.Join(", ", parts));
        }
    }

    public sealed class EnvironmentVariableReport
    {
        public string? Name { get; set; }

        /// <summary>Null when <see cref="ValueHidden"/>.</summary>
        public string? Value { get; set; }

        /// <summary>True for a variable the report names but whose value it does not show (it is not on the allow-list).</summary>
        public bool ValueHidden { get; set; }

        public override string ToString() => ValueHidden ? Name + " (value hidden)" : Name + "=" + Value;
    }
}
