namespace DlGpuTools.Diagnostics
{
    /// <summary>The sub-libraries each cuDNN major splits into (a cuDNN 9 ldconfig listing: https://github.com/ultrasev/stream-whisper/issues/28).</summary>
    public static class CuDnnSubLibraries
    {
        private static readonly string[] Nine = { "graph", "engines_precompiled", "engines_runtime_compiled", "heuristic", "ops", "cnn", "adv" };
        private static readonly string[] Eight = { "ops_infer", "ops_train", "cnn_infer", "cnn_train", "adv_infer", "adv_train" };

        public static string[] Names(int major, bool windows)
        {
            string[] parts = major >= 9 ? Nine : Eight;
            var names = new string[parts.Length];
            for (int i = 0; i < parts.Length; i++)
                names[i] = windows ? $"cudnn_{parts[i]}64_{major}.dll" : $"libcudnn_{parts[i]}.so.{major}";
            return names;
        }
    }
}
