using System;
using System.IO;
using System.Text;
using DlGpuTools.Errors;
using DlGpuTools.Interop;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// Where Start-GpuJob leaves a job's state for Stop-GpuJob: one file per job name in a private folder of the user
    /// who runs them (root for a Slurm prolog and epilog). The folder must be a real folder (not a link), owned by this
    /// user and closed to everyone else, or nothing is written to or read from it: a state file planted by another
    /// user would otherwise feed Stop-GpuJob false figures. Files are written whole (a temporary file renamed over the
    /// old one), mode 0600 from their creation, and read back with a size cap.
    /// </summary>
    public static class JobStateStore
    {
        private const uint PrivateFolderMode = 0x1C0; // rwx------
        private const uint GroupAndOtherBits = 0x3F;
        private const int MaxStateBytes = 64 * 1024;

        /// <summary>The next step when the state folder cannot be written or read for a reason the checks did not name.</summary>
        public const string FolderRemedy = "Give -StateFolder a folder of your own with mode 700, or run as the user who "
            + "owns the default folder.";

        /// <summary>
        /// The default folder: /run/dlgputools/jobs for root (a RAM file system, emptied at boot, as the driver's own
        /// counters are), else $XDG_RUNTIME_DIR/dlgputools/jobs, else ~/.local/state/dlgputools/jobs.
        /// </summary>
        public static string DefaultFolder(Func<string, string?> getVariable)
        {
            if (PlatformInfo.IsWindows)
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "DlGpuTools", "jobs");
            if (FileOperations.EffectiveUserId == 0) return "/run/dlgputools/jobs";
            string? runtime = getVariable("XDG_RUNTIME_DIR");
            if (!Strings.IsNullOrEmpty(runtime) && Path.IsPathRooted(runtime)) return Path.Combine(runtime, "dlgputools", "jobs");
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state", "dlgputools", "jobs");
        }

        /// <summary>
        /// A job name: 1 to 64 of letters, digits, '.', '_' and '-', not starting with '.' (so never a path or a hidden file).
        /// </summary>
        public static bool IsValidName(string? name)
        {
            if (Strings.IsNullOrEmpty(name) || name.Length > 64 || name[0] == '.' || name[0] == '-') return false;
            foreach (char c in name)
            {
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '_' || c == '-'))
                    return false;
            }

            return true;
        }

        /// <summary>
        /// Writes <paramref name="state"/> whole; throws <see cref="GpuJobStateException"/> when the folder is not private or
        /// the file system refuses the write.
        /// </summary>
        public static void Write(string folder, JobState state)
        {
            try
            {
                WriteWhole(folder, state);
            }
            catch (Exception e) when (IsFileSystemFailure(e))
            {
                throw NotWritten(folder, e);
            }
        }

        /// <summary>
        /// Whether a state for <paramref name="name"/> is already there. Start-GpuJob asks it just before writing, so a
        /// failure to look reads as the write's.
        /// </summary>
        public static bool HasState(string folder, string name)
        {
            try
            {
                return FileStatus.OfLink(StatePath(Path.GetFullPath(folder), name)).Exists;
            }
            catch (Exception e) when (IsFileSystemFailure(e))
            {
                throw NotWritten(folder, e);
            }
        }

        /// <summary>The state Start-GpuJob left under <paramref name="name"/>; throws <see cref="GpuJobStateException"/> when there is none
        /// or it is not sound.</summary>
        public static JobState Read(string folder, string name)
        {
            try
            {
                return ReadChecked(folder, name);
            }
            catch (Exception e) when (IsFileSystemFailure(e))
            {
                throw NotRead(folder, e);
            }
        }

        /// <summary>Removes the state of <paramref name="name"/>, if there is one; Stop-GpuJob calls it once the summary is made.</summary>
        public static void Delete(string folder, string name)
        {
            try
            {
                string path = StatePath(EnsurePrivateFolder(folder, create: false), name);
                if (FileStatus.OfLink(path).Exists) File.Delete(path);
            }
            catch (Exception e) when (IsFileSystemFailure(e))
            {
                throw NotRemoved(folder, e);
            }
        }

        private static JobState ReadChecked(string folder, string name)
        {
            string path = StatePath(EnsurePrivateFolder(folder, create: false), name);
            FileStatus status = FileStatus.OfLink(path);
            if (!status.Exists)
            {
                throw new GpuJobStateException(ErrorCatalogue.GpuJobNotStarted,
                    $"No job named '{name}' was started: {path} does not exist.",
                    "Run Start-GpuJob -Name " + name + " first (a Slurm prolog), as the same user and with the same -StateFolder as "
                        + "Stop-GpuJob.");
            }

            if (status.Kind != FileKind.Regular || (!PlatformInfo.IsWindows
                && (status.OwnerId != FileOperations.EffectiveUserId || (status.Mode & GroupAndOtherBits) != 0)))
            {
                throw Invalid(path,
                    $"it is {status.Describe()} with mode {Convert.ToString(status.Mode, 8)} owned by user id {status.OwnerId}, not a "
                    + "private file of this user");
            }

            string text;
            try
            {
                text = BoundedFile.ReadAllText(path, MaxStateBytes);
            }
            catch (FileTooLargeException)
            {
                throw Invalid(path, "it is larger than any state Start-GpuJob writes");
            }

            JobState? state = JobState.Parse(text);
            if (state == null || state.Name != name) throw Invalid(path, "its content is not a job state Start-GpuJob wrote");
            return state;
        }

        /// <summary>
        /// The full path of <paramref name="folder"/> after checking it is private to this user; with
        /// <paramref name="create"/>, missing folders on the way are made with mode 0700.
        /// </summary>
        public static string EnsurePrivateFolder(string folder, bool create)
        {
            string full = Path.GetFullPath(folder);
            if (create) CreateMissing(full);
            FileStatus status = FileStatus.OfLink(full);
            if (!status.Exists && !create)
            {
                throw new GpuJobStateException(ErrorCatalogue.GpuJobNotStarted,
                    $"The job state folder {full} does not exist, so no job was started there.",
                    "Run Start-GpuJob first, as the same user and with the same -StateFolder as Stop-GpuJob.");
            }

            bool foreign = !PlatformInfo.IsWindows
                && (status.OwnerId != FileOperations.EffectiveUserId || (status.Mode & GroupAndOtherBits) != 0);
            if (status.Kind != FileKind.Directory || foreign)
            {
                string what = status.Kind != FileKind.Directory ? status.Describe()
                    : $"a folder with mode {Convert.ToString(status.Mode, 8)} owned by user id {status.OwnerId}";
                throw new GpuJobStateException(ErrorCatalogue.GpuJobStateFolderUnsafe,
                    $"The job state folder {full} is {what}: it must be a folder of this user (id {FileOperations.EffectiveUserId}) "
                        + "that no one else can open.",
                    "Remove it, or give -StateFolder a folder of your own with mode 700 (chmod 700 <folder>).");
            }

            return full;
        }

        private static void CreateMissing(string full)
        {
            if (PlatformInfo.IsWindows)
            {
                Directory.CreateDirectory(full);
                return;
            }

            string? parent = Path.GetDirectoryName(full);
            if (parent != null && !FileStatus.Of(parent).Exists) CreateMissing(parent);
            FileOperations.TryCreateDirectory(full, PrivateFolderMode);
        }

        private static string StatePath(string folder, string name)
        {
            if (!IsValidName(name))
                throw new ArgumentException($"'{name}' is not a job name: use 1 to 64 letters, digits, '.', '_' or '-'.", nameof(name));
            return Path.Combine(folder, name + ".job");
        }

        private static void WriteWhole(string folder, JobState state)
        {
            string path = StatePath(EnsurePrivateFolder(folder, create: true), state.Name);
            string temp = Path.Combine(Path.GetDirectoryName(path), "." + state.Name + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                using (FileStream stream = PrivateFile.CreateNew(temp))
                {
                    byte[] bytes = new UTF8Encoding(false).GetBytes(state.Format());
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(true);
                }

                FileOperations.RenameOver(temp, path);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }

        /// <summary>
        /// What the file system itself refused (a full disk, a name too long, a read-only mount), beyond the checks here.
        /// </summary>
        private static bool IsFileSystemFailure(Exception e) => e is IOException || e is UnauthorizedAccessException;

        private static GpuJobStateException NotWritten(string folder, Exception e) =>
            new GpuJobStateException(ErrorCatalogue.GpuJobStateFolderUnsafe,
                $"The job state could not be written to {folder}: {e.Message}", FolderRemedy, e);

        private static GpuJobStateException NotRead(string folder, Exception e) =>
            new GpuJobStateException(ErrorCatalogue.GpuJobStateInvalid,
                $"The job state in {folder} could not be read: {e.Message}", FolderRemedy, e);

        private static GpuJobStateException NotRemoved(string folder, Exception e) =>
            new GpuJobStateException(ErrorCatalogue.GpuJobStateInvalid,
                $"The job state in {folder} could not be removed: {e.Message}", FolderRemedy, e);

        private static GpuJobStateException Invalid(string path, string why) =>
            new GpuJobStateException(ErrorCatalogue.GpuJobStateInvalid, $"{path} was not read: {why}.",
                "Remove the file and start the job again with Start-GpuJob; if you did not write it, find out who did.");
    }
}
