using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using DlGpuTools.Diagnostics;
using DlGpuTools.Errors;

namespace DlGpuTools.Scheduling
{
    /// <summary>
    /// <see cref="ISlurmControl"/> through Slurm's own clients, sinfo and scontrol, found on PATH. They talk to
    /// slurmctld as the calling user (root, in a HealthCheckProgram or Prolog) and read SLURM_CONF like every client.
    /// </summary>
    public sealed class SlurmCommands : ISlurmControl
    {
        // A client that cannot reach slurmctld retries for about MessageTimeout (10 s by default) before failing.
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

        private readonly Func<string, string?> _getVariable;

        public SlurmCommands(Func<string, string?> getVariable)
        {
            _getVariable = getVariable;
        }

        public SlurmNodeStatus Query(string nodeName)
        {
            string output = Run("sinfo", "-h", "-N", "-n", nodeName, "-o", "%T|%E");
            return SlurmNodeStatus.Parse(output)
                ?? throw new SlurmException(ErrorCatalogue.SlurmNodeNotFound,
                    $"Slurm knows no node named '{nodeName}' (sinfo -N -n {nodeName} listed nothing).",
                    "Give -NodeName as slurm.conf names the node (scontrol show node lists them); in a HealthCheckProgram or Prolog slurmd "
                        + "sets SLURMD_NODENAME.");
        }

        public void Drain(string nodeName, string reason) =>
            Run("scontrol", "update", "NodeName=" + nodeName, "State=DRAIN", "Reason=" + reason);

        public void Resume(string nodeName) => Run("scontrol", "update", "NodeName=" + nodeName, "State=RESUME");

        private string Run(string program, params string[] arguments)
        {
            string path = Find(program);
            var start = new ProcessStartInfo(path, string.Join(" ", arguments.Select(QuoteArgument)))
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
            };
            Process? started;
            try
            {
                started = Process.Start(start);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                // Found but not runnable: not executable (EACCES), or not a program (ENOEXEC).
                throw Failed(program, arguments, $"{path} could not be started ({e.Message})", null);
            }

            using (Process process = started ?? throw Failed(program, arguments, "it did not start", null))
            {
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit((int)Timeout.TotalMilliseconds))
                {
                    try { process.Kill(); } catch (InvalidOperationException) { /* it ended just now */ }
                    throw Failed(program, arguments, $"it did not finish within {Timeout.TotalSeconds:0} s", null);
                }

                process.WaitForExit();
                if (process.ExitCode != 0) throw Failed(program, arguments, $"exit code {process.ExitCode}", stderr.Result.Trim());
                return stdout.Result;
            }
        }

        private string Find(string program)
        {
            string[] folders = (_getVariable("PATH") ?? string.Empty)
                .Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries);
            foreach (string folder in folders)
            {
                if (!Path.IsPathRooted(folder)) continue; // a relative PATH entry would run whatever the working folder holds
                string candidate = Path.Combine(folder, program);
                if (File.Exists(candidate)) return candidate;
            }

            throw new SlurmException(ErrorCatalogue.SlurmCommandNotFound,
                $"{program} was not found on PATH (searched: {(folders.Length == 0 ? "PATH is empty" : string.Join(", ", folders))}).",
                "Run this on a Slurm node with the Slurm client commands installed (Debian/Ubuntu: slurm-client), or add "
                    + "their folder to PATH.");
        }

        private static SlurmException Failed(string program, IEnumerable<string> arguments, string how, string? stderr) =>
            new SlurmException(ErrorCatalogue.SlurmCommandFailed,
                $"{program} {string.Join(" ", arguments)} failed: {how}" + (string.IsNullOrEmpty(stderr) ? "." : ": " + stderr),
                "Check that slurmctld answers (scontrol ping) and that this user may change node states (root or SlurmUser).");

        /// <summary>
        /// One argument as .NET's process start on Unix splits an argument string: whitespace separates, double
        /// quotes group, and backslashes count only before a quote.
        /// </summary>
        public static string QuoteArgument(string argument)
        {
            if (argument.Length > 0 && argument.All(c => !char.IsWhiteSpace(c) && c != '"' && c != '\\')) return argument;
            var quoted = new StringBuilder("\"");
            int backslashes = 0;
            foreach (char c in argument)
            {
                if (c == '\\') { backslashes++; continue; }
                if (c == '"') quoted.Append('\\', (backslashes * 2) + 1);
                else quoted.Append('\\', backslashes);
                backslashes = 0;
                quoted.Append(c);
            }

            return quoted.Append('\\', backslashes * 2).Append('"').ToString();
        }
    }
}
