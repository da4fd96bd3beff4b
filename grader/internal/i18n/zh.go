package i18n

import "github.com/concurrency-kit/kit/grader/event"

// causeMeanings say in Chinese what each cause means.
var causeMeanings = map[event.Cause]string{
	event.CauseFail:     "结果错误",
	event.CauseRace:     "数据竞争",
	event.CauseLeak:     "goroutine 泄漏",
	event.CauseDeadlock: "死锁",
	event.CauseTimeout:  "超时",
	event.CausePanic:    "panic",
	event.CauseCrash:    "进程崩溃",
	event.CauseMemory:   "内存超限",
	event.CauseBuild:    "无法编译",
}

// chinese are the grader's messages in Simplified Chinese, by their English
// text. Every message the grader writes through a Printer has an entry
// (TestEveryMessageIsTranslated).
var chinese = map[string]string{
	// The text view of a grade.
	"%d more exercises not started yet (--all shows every exercise)": "还有 %d 个练习尚未开始（--all 显示全部练习）",
	"Total: %s / %s":      "总分：%s / %s",
	"%d/%d tests":         "%d/%d 个测试",
	"does not build":      "无法编译",
	" (every test fails)": "（所有测试都失败）",
	"[%d more lines: --json shows the whole output]": "[还有 %d 行：--json 显示完整输出]",
	"note:": "注意：",
	"%s differs from the kit's copy; the kit's was used. Restore it: git checkout -- %s": "%s 与课程自带的版本不同，评分用的是课程自带的版本。恢复它：git checkout -- %s",
	"%s was not graded: only the files the exercise lists count.":                        "%s 没有参与评分：只有练习列出的文件才算数。",
	"the tests ran without the sandbox (see grader/README.md).":                          "测试在沙箱之外运行（见 grader/README.md）。",

	// The command line: the next step, list, hint, progress.
	"Next: %s. Grade it alone: go run ./grader run %s\nStuck? go run ./grader hint %s\n": "下一步：%s。单独评分：go run ./grader run %s\n卡住了？go run ./grader hint %s\n",
	"Stuck? go run ./grader hint %s\n":                                                   "卡住了？go run ./grader hint %s\n",
	"Every exercise is done. Well done!":                                                 "所有练习都完成了，做得好！",
	"not graded as it is now":                                                            "当前版本尚未评分",
	"%d of %d exercises done.":                                                           "已完成 %d / %d 个练习。",
	" Next: %s (go run ./grader run %s)":                                                 "下一步：%s（go run ./grader run %s）",
	"%d exercises have not been graded as they are now: make grade grades them.\n":       "有 %d 个练习的当前版本尚未评分：运行 make grade 为它们评分。\n",
	"The exercise's README: %s\n":                                                        "练习说明：%s\n",
	"1 exercise":                                                                         "1 个练习",
	"%d exercises":                                                                       "%d 个练习",
	"reading the exercises":                                                              "正在读取练习",
	"running the tests of %s":                                                            "正在运行 %s 的测试",
	"running the tests: %d of %s graded":                                                 "正在运行测试：已评 %d 个，共 %s",
	"building %s (a first build also compiles the race-enabled standard library, once)":                                        "正在构建 %s（第一次构建还会编译带竞态检测的标准库，只需一次）",
	"building the test binaries of %s; the first build also compiles the race-enabled standard library, once (about a minute)": "正在构建 %s 的测试程序；第一次构建还会编译带竞态检测的标准库，只需一次（约一分钟）",
	"interrupted": "已中断",

	// Usage errors.
	"%s (see grader %s -h)":                                       "%s（见 grader %s -h）",
	"%s takes no arguments (got %q)":                              "%s 不接受参数（收到 %q）",
	"%s needs exactly one %s":                                     "%s 需要正好一个 %s",
	"%s needs %s (grader %s -h)":                                  "%s 需要 %s（grader %s -h）",
	"unknown exercise %q: did you mean %s?":                       "没有练习 %q：你是想说 %s 吗？",
	"unknown exercise %q (exercises: %s)":                         "没有练习 %q（练习有：%s）",
	"%s is not a concurrency kit (no go.mod for module %s there)": "%s 不是并发课程包（那里没有模块 %s 的 go.mod）",
	"%s is not a concurrency kit (no exercises folder)":           "%s 不是并发课程包（没有 exercises 文件夹）",
	"reset cancelled; nothing changed":                            "已取消重置；什么都没有改变",
	"class needs one folder of submissions (got %d arguments); to join shards, use grader class merge DIR...": "class 需要一个提交文件夹（收到 %d 个参数）；要合并分片，请用 grader class merge DIR...",
	"class merge needs the report folders of the shards":                                                      "class merge 需要各分片的报告文件夹",
	"student %s is in two shards, %s and %s":                                                                  "学生 %s 出现在两个分片中：%s 和 %s",

	// watch and reset.
	"grader watch: grading %s...\n":              "grader watch：正在评分 %s……\n",
	"✓ %s is done. On to the next exercise.\n\n": "✓ %s 完成了。进入下一个练习。\n\n",
	"Edit %s and save: it is graded again.\n":    "编辑 %s 并保存：它会被重新评分。\n",
	"h hint · l list · q quit":                   "h 提示 · l 列表 · q 退出",
	"Put back the kit's stub of %s? Your code in %s will be replaced (a copy is kept). [y/N] ": "恢复 %s 的课程自带桩代码？你在 %s 中的代码将被替换（会保留一份副本）。[y/N] ",
	"%s is back to the kit's stub. Your version is in %s\n":                                    "%s 已恢复为课程自带的桩代码。你的版本保存在 %s\n",
}
