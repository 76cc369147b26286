<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>Actions</name>
    <message>
        <location filename="../actions.py" line="40"/>
        <source>Rectangle</source>
        <translation>矩形</translation>
    </message>
    <message>
        <location filename="../actions.py" line="41"/>
        <source>Polygon</source>
        <translation>多边形</translation>
    </message>
    <message>
        <location filename="../actions.py" line="42"/>
        <source>Rotated box</source>
        <translation>旋转框</translation>
    </message>
    <message>
        <location filename="../actions.py" line="43"/>
        <source>Circle</source>
        <translation>圆形</translation>
    </message>
    <message>
        <location filename="../actions.py" line="44"/>
        <source>Line</source>
        <translation>直线</translation>
    </message>
    <message>
        <location filename="../actions.py" line="45"/>
        <source>Point</source>
        <translation>点</translation>
    </message>
    <message>
        <location filename="../actions.py" line="46"/>
        <source>Line strip</source>
        <translation>折线</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>&amp;Open Image...</source>
        <translation>打开图像(&amp;O)...</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>Open &amp;Folder...</source>
        <translation>打开文件夹(&amp;F)...</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>&amp;Previous Image</source>
        <translation>上一张图像(&amp;P)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>&amp;Next Image</source>
        <translation>下一张图像(&amp;N)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>Save &amp;Automatically</source>
        <translation>自动保存(&amp;A)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>Import Class List (classes.txt)...</source>
        <translation>导入类别列表 (classes.txt)...</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>Export Class List (classes.txt)...</source>
        <translation>导出类别列表 (classes.txt)...</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>&amp;Close Image</source>
        <translation>关闭图像(&amp;C)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>&amp;Edit Shapes</source>
        <translation>编辑形状(&amp;E)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>Select, move and reshape</source>
        <translation>选择、移动和调整形状</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>Edit &amp;Label...</source>
        <translation>编辑标签(&amp;L)...</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>&amp;Paste</source>
        <translation>粘贴(&amp;P)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>D&amp;uplicate</source>
        <translation>创建副本(&amp;U)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>Select &amp;All Shapes</source>
        <translation>全选形状(&amp;A)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>&amp;Group Selected</source>
        <translation>编组所选(&amp;G)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>U&amp;ngroup Selected</source>
        <translation>取消编组(&amp;N)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>Rotate -1°</source>
        <translation>旋转 -1°</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>Rotate -0.1°</source>
        <translation>旋转 -0.1°</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>Rotate +0.1°</source>
        <translation>旋转 +0.1°</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>Rotate +1°</source>
        <translation>旋转 +1°</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>&amp;Fit Window</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>Original &amp;Size (1:1)</source>
        <translation>原始大小 (1:1)(&amp;S)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>&amp;Hide Selected Shapes</source>
        <translation>隐藏所选形状(&amp;H)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>Show Hidden &amp;Shapes</source>
        <translation>显示隐藏的形状(&amp;S)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>Show/Hide &amp;All Shapes</source>
        <translation>显示/隐藏全部形状(&amp;A)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>&amp;Crosshair</source>
        <translation>十字准线(&amp;C)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>&amp;Label Text</source>
        <translation>标签文字(&amp;L)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>&amp;Fill Shapes</source>
        <translation>填充形状(&amp;F)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>Colour by &amp;Track Id</source>
        <translation>按轨迹 ID 着色(&amp;T)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>&amp;Edit Mode After Drawing</source>
        <translation>绘制后切换到编辑模式(&amp;E)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>&amp;Statistics...</source>
        <translation>统计(&amp;S)...</translation>
    </message>
    <message>
        <location filename="../actions.py" line="58"/>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="124"/>
        <source>Draw: {0}</source>
        <translation>绘制：{0}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../main_window.py" line="38"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="38"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="38"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="38"/>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="38"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
</context>
<context>
    <name>Review</name>
    <message>
        <location filename="../review/controller.py" line="51"/>
        <source>&amp;Review</source>
        <translation>审核(&amp;R)</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="52"/>
        <source>&amp;Accept Image</source>
        <translation>接受图像(&amp;A)</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="52"/>
        <source>&amp;Reject Image...</source>
        <translation>拒绝图像(&amp;R)...</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="52"/>
        <source>&amp;Clear Review</source>
        <translation>清除审核(&amp;C)</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="52"/>
        <source>&amp;Next Unreviewed Image</source>
        <translation>下一张未审核图像(&amp;N)</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="52"/>
        <source>&amp;Previous Unreviewed Image</source>
        <translation>上一张未审核图像(&amp;P)</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="52"/>
        <source>Review &amp;Comment on Shape...</source>
        <translation>形状审核意见(&amp;C)...</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="52"/>
        <source>Reviewer &amp;Name...</source>
        <translation>审核人姓名(&amp;N)...</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="52"/>
        <source>&amp;Go On After a Decision</source>
        <translation>审核后自动前进(&amp;G)</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="81"/>
        <source>Open &amp;Compare Report...</source>
        <translation>打开对比报告(&amp;C)...</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="97"/>
        <source>Open Compare Report</source>
        <translation>打开对比报告</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="97"/>
        <source>Compare reports (report.json);;JSON files (*.json)</source>
        <translation>对比报告 (report.json);;JSON 文件 (*.json)</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="118"/>
        <source>All images</source>
        <translation>全部图像</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="118"/>
        <source>Unreviewed</source>
        <translation>未审核</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="118"/>
        <source>Accepted</source>
        <translation>已接受</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="118"/>
        <source>Rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="121"/>
        <source>Show the images in one review state</source>
        <translation>只显示某一审核状态的图像</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="239"/>
        <source>Open an image to review it</source>
        <translation>请先打开一张图像再审核</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="206"/>
        <source>{0}: the label file could not be read, so no review can be saved in it</source>
        <translation>{0}：标注文件无法读取，无法在其中保存审核结果</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="213"/>
        <source>Accept image</source>
        <translation>接受图像</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="242"/>
        <source>Reject image</source>
        <translation>拒绝图像</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="214"/>
        <source>Clear review</source>
        <translation>清除审核</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="220"/>
        <source>{0} accepted</source>
        <translation>{0} 已接受</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="220"/>
        <source>{0} rejected</source>
        <translation>{0} 已拒绝</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="221"/>
        <source>{0}: review cleared</source>
        <translation>{0}：审核已清除</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="242"/>
        <source>What is wrong with {0}?</source>
        <translation>{0} 有什么问题？</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="242"/>
        <source>e.g. the tail of the dog is cut off</source>
        <translation>例如：狗的尾巴没有框进去</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="250"/>
        <source>Open a folder to review it</source>
        <translation>请先打开一个文件夹再审核</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="254"/>
        <source>Every image of the folder is reviewed</source>
        <translation>文件夹中的所有图像都已审核</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="260"/>
        <source>Reviewer name</source>
        <translation>审核人姓名</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="260"/>
        <source>Name written into the review of each image:</source>
        <translation>写入每张图像审核记录的姓名：</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="260"/>
        <source>empty: the login name</source>
        <translation>留空：使用登录名</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="273"/>
        <source>Select the shapes to comment on</source>
        <translation>请先选择要添加意见的形状</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="290"/>
        <source>Review comment</source>
        <translation>审核意见</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="276"/>
        <source>Comment on {0} shape(s):</source>
        <translation>对 {0} 个形状的意见：</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="276"/>
        <source>empty: remove the comment</source>
        <translation>留空：删除意见</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="301"/>
        <source>Review &amp;Comment...</source>
        <translation>审核意见(&amp;C)...</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="326"/>
        <source>manual</source>
        <translation>手动</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="327"/>
        <source>Drawn by hand</source>
        <translation>手工绘制</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="327"/>
        <source>Predicted by {0}</source>
        <translation>由 {0} 预测</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="331"/>
        <source>, score {0}</source>
        <translation>，置信度 {0}</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="333"/>
        <source>, by {0}</source>
        <translation>，由 {0}</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="335"/>
        <source>, at {0}</source>
        <translation>，于 {0}</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="340"/>
        <source>Review comment: {0}</source>
        <translation>审核意见：{0}</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="360"/>
        <source>&lt;b&gt;Review&lt;/b&gt;: &lt;b&gt;{0}&lt;/b&gt; accepted · &lt;b&gt;{1}&lt;/b&gt; rejected · &lt;b&gt;{2}&lt;/b&gt; unreviewed ({3}% reviewed)</source>
        <translation>&lt;b&gt;审核&lt;/b&gt;：&lt;b&gt;{0}&lt;/b&gt; 张已接受 · &lt;b&gt;{1}&lt;/b&gt; 张已拒绝 · &lt;b&gt;{2}&lt;/b&gt; 张未审核（已审核 {3}%）</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="364"/>
        <source>accepted</source>
        <translation>已接受</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="364"/>
        <source>rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="365"/>
        <source>unreviewed</source>
        <translation>未审核</translation>
    </message>
    <message>
        <location filename="../review/controller.py" line="372"/>
        <source>{0} label file(s) could not be read and count as unreviewed</source>
        <translation>{0} 个标注文件无法读取，按未审核计</translation>
    </message>
    <message>
        <location filename="../review/report_view.py" line="134"/>
        <source>Compare report</source>
        <translation>对比报告</translation>
    </message>
    <message>
        <location filename="../review/report_view.py" line="142"/>
        <source>&lt;span style='color:#1f77b4'&gt;■ reference&lt;/span&gt; · &lt;span style='color:#ff7f0e'&gt;■ candidate&lt;/span&gt; · thick: no partner</source>
        <translation>&lt;span style='color:#1f77b4'&gt;■ 参考&lt;/span&gt; · &lt;span style='color:#ff7f0e'&gt;■ 候选&lt;/span&gt; · 粗线：无对应</translation>
    </message>
    <message>
        <location filename="../review/report_view.py" line="164"/>
        <source>&lt;b&gt;{0}&lt;/b&gt; vs &lt;b&gt;{1}&lt;/b&gt;: F1 {2} · precision {3} · recall {4} · {5} images</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt; 对比 &lt;b&gt;{1}&lt;/b&gt;：F1 {2} · 精确率 {3} · 召回率 {4} · {5} 张图像</translation>
    </message>
    <message>
        <location filename="../review/report_view.py" line="172"/>
        <source>#{0}  {1}   {2} errors · F1 {3}</source>
        <translation>#{0}  {1}   {2} 处差异 · F1 {3}</translation>
    </message>
    <message>
        <location filename="../review/report_view.py" line="198"/>
        <source>{0}: no image found for it in {1}</source>
        <translation>{0}：在 {1} 中找不到对应的图像</translation>
    </message>
    <message>
        <location filename="../review/report_view.py" line="214"/>
        <source>{0}: {1} errors (blue: reference, orange: candidate)</source>
        <translation>{0}：{1} 处差异（蓝色：参考，橙色：候选）</translation>
    </message>
</context>
<context>
    <name>Shortcuts</name>
    <message>
        <location filename="shortcut_titles.py" line="7"/>
        <source>Segment Anything: positive clicks (switches it on)</source>
        <translation>分割一切：正向点击（同时开启）</translation>
    </message>
    <message>
        <location filename="shortcut_titles.py" line="7"/>
        <source>Segment Anything: negative clicks (switches it on)</source>
        <translation>分割一切：负向点击（同时开启）</translation>
    </message>
    <message>
        <location filename="shortcut_titles.py" line="7"/>
        <source>Segment Anything: clear the prompts</source>
        <translation>分割一切：清除提示</translation>
    </message>
    <message>
        <location filename="shortcut_titles.py" line="7"/>
        <source>Segment Anything: finish the object</source>
        <translation>分割一切：完成对象</translation>
    </message>
    <message>
        <location filename="shortcut_titles.py" line="7"/>
        <source>Open Video</source>
        <translation>打开视频</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <location filename="../app.py" line="56"/>
        <source>Unexpected error: {0}: {1} (details in the log)</source>
        <translation>意外错误：{0}：{1}（详情见日志）</translation>
    </message>
</context>
<context>
    <name>autolabel</name>
    <message>
        <location filename="../extensions/autolabel.py" line="23"/>
        <source>&amp;Auto Labeling Panel</source>
        <translation>自动标注面板(&amp;A)</translation>
    </message>
    <message>
        <location filename="../extensions/autolabel.py" line="46"/>
        <source>Auto Label This &amp;Image</source>
        <translation>自动标注此图像(&amp;I)</translation>
    </message>
    <message>
        <location filename="../extensions/autolabel.py" line="51"/>
        <source>Pick a model in the list and press Load, then run it on this image.</source>
        <translation>在列表中选择一个模型并点击“加载”，然后在此图像上运行。</translation>
    </message>
    <message>
        <location filename="../extensions/autolabel.py" line="58"/>
        <source>Auto Label &amp;All Images</source>
        <translation>自动标注全部图像(&amp;A)</translation>
    </message>
    <message>
        <location filename="../extensions/autolabel.py" line="27"/>
        <source>AI Label</source>
        <translation>AI 标注</translation>
    </message>
    <message>
        <location filename="../extensions/autolabel.py" line="28"/>
        <source>Auto labeling with a model: open the panel (Ctrl+A)</source>
        <translation>用模型自动标注：打开面板（Ctrl+A）</translation>
    </message>
</context>
<context>
    <name>controller</name>
    <message>
        <location filename="../video/controller.py" line="68"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../export_import/controller.py" line="161"/>
        <source>{0} dataset</source>
        <translation>{0}数据集</translation>
    </message>
    <message>
        <location filename="../export_import/controller.py" line="208"/>
        <source>{0} finished</source>
        <translation>{0}完成</translation>
    </message>
    <message>
        <location filename="../export_import/controller.py" line="208"/>
        <source>{0} cancelled</source>
        <translation>{0}已取消</translation>
    </message>
    <message>
        <location filename="../sam/controller.py" line="93"/>
        <source>Loading {0}...</source>
        <translation>正在加载 {0}...</translation>
    </message>
    <message>
        <location filename="../sam/controller.py" line="126"/>
        <source>Downloading {0}: {1}</source>
        <translation>正在下载 {0}：{1}</translation>
    </message>
    <message>
        <location filename="../sam/controller.py" line="158"/>
        <source>{0} ready</source>
        <translation>{0} 已就绪</translation>
    </message>
    <message>
        <location filename="../sam/controller.py" line="181"/>
        <source>{0}: cannot be segmented ({1})</source>
        <translation>{0}：无法分割（{1}）</translation>
    </message>
    <message>
        <location filename="../sam/controller.py" line="364"/>
        <source>Segment Anything: {0}: {1}</source>
        <translation>分割一切：{0}：{1}</translation>
    </message>
    <message>
        <location filename="../sam/controller.py" line="216"/>
        <source>Segment Anything: {0} ready; {1}</source>
        <translation>分割一切：{0} 已就绪；{1}</translation>
    </message>
    <message>
        <location filename="../sam/controller.py" line="228"/>
        <source>Segment Anything: {0}, your prompt will be applied when ready</source>
        <translation>分割一切：{0}，就绪后将应用您的提示</translation>
    </message>
    <message>
        <location filename="../sam/controller.py" line="235"/>
        <source>Segment Anything: choose a model first (Tools &gt; Segment Anything)</source>
        <translation>分割一切：请先选择模型（工具 &gt; 分割一切）</translation>
    </message>
    <message>
        <location filename="../sam/controller.py" line="242"/>
        <source>Segment Anything: loading {0}; your clicks will be applied when it is ready</source>
        <translation>分割一切：正在加载 {0}；就绪后将应用您的点击</translation>
    </message>
    <message>
        <location filename="../sam/controller.py" line="244"/>
        <source>Segment Anything: </source>
        <translation>分割一切：</translation>
    </message>
    <message>
        <location filename="../sam/controller.py" line="244"/>
        <source>negative</source>
        <translation>负向</translation>
    </message>
    <message>
        <location filename="../sam/controller.py" line="244"/>
        <source>positive</source>
        <translation>正向</translation>
    </message>
    <message>
        <location filename="../sam/controller.py" line="244"/>
        <source> clicks ({0})</source>
        <translation>点击（{0}）</translation>
    </message>
    <message>
        <location filename="../sam/controller.py" line="293"/>
        <source>Segment Anything: {0}, mask {1:,} px; {2}</source>
        <translation>分割一切：{0}，掩码 {1:,} 像素；{2}</translation>
    </message>
    <message>
        <location filename="../sam/controller.py" line="299"/>
        <source>Segment Anything: nothing to finish (click on an object first)</source>
        <translation>分割一切：没有可完成的对象（请先点击一个对象）</translation>
    </message>
    <message>
        <location filename="../sam/controller.py" line="351"/>
        <source>Segment Anything: choose a model and open an image first</source>
        <translation>分割一切：请先选择模型并打开图像</translation>
    </message>
    <message>
        <location filename="../sam/controller.py" line="342"/>
        <source>Segment Anything: {0} rectangles turned into segments</source>
        <translation>分割一切：{0} 个矩形已转换为分割</translation>
    </message>
    <message>
        <location filename="../video/controller.py" line="62"/>
        <source>Another video job is still running; wait for it or cancel it.</source>
        <translation>另一个视频任务仍在运行；请等待其完成或取消它。</translation>
    </message>
    <message>
        <location filename="../video/sam2_propagation.py" line="78"/>
        <source>Open a folder of frames (or a video) first.</source>
        <translation>请先打开帧文件夹（或视频）。</translation>
    </message>
    <message>
        <location filename="../video/controller.py" line="135"/>
        <source>{0}: {1}{2} frames written, {3} already there</source>
        <translation>{0}：写入 {1}{2} 帧，{3} 帧已存在</translation>
    </message>
    <message>
        <location filename="../video/controller.py" line="137"/>
        <source>Extracting frames from {0}...</source>
        <translation>正在从 {0} 提取帧...</translation>
    </message>
    <message>
        <location filename="../video/controller.py" line="157"/>
        <source>Tracking boxes...</source>
        <translation>正在跟踪框...</translation>
    </message>
    <message>
        <location filename="../video/controller.py" line="172"/>
        <source>Load a detection model in the Auto Labeling panel (Ctrl+A) first.</source>
        <translation>请先在自动标注面板（Ctrl+A）中加载检测模型。</translation>
    </message>
    <message>
        <location filename="../video/controller.py" line="185"/>
        <source>Detecting and tracking...</source>
        <translation>正在检测并跟踪...</translation>
    </message>
    <message>
        <location filename="../video/controller.py" line="195"/>
        <source>Interpolating keyframes...</source>
        <translation>正在插值关键帧...</translation>
    </message>
    <message>
        <location filename="../video/controller.py" line="208"/>
        <source>Open the frame to propagate from first.</source>
        <translation>请先打开要从其传播的帧。</translation>
    </message>
    <message>
        <location filename="../video/controller.py" line="212"/>
        <source>Propagating...</source>
        <translation>正在传播...</translation>
    </message>
    <message>
        <location filename="../export_import/controller.py" line="22"/>
        <source>Reading label files</source>
        <translation>正在读取标注文件</translation>
    </message>
    <message>
        <location filename="../export_import/controller.py" line="23"/>
        <source>Writing the dataset</source>
        <translation>正在写入数据集</translation>
    </message>
    <message>
        <location filename="../export_import/controller.py" line="24"/>
        <source>Importing</source>
        <translation>正在导入</translation>
    </message>
    <message>
        <location filename="../video/controller.py" line="106"/>
        <source> (and {0} more)</source>
        <translation>（另有 {0} 条）</translation>
    </message>
    <message>
        <location filename="../video/controller.py" line="157"/>
        <source>Tracked with {0}</source>
        <translation>已用 {0} 跟踪</translation>
    </message>
    <message>
        <location filename="../video/controller.py" line="185"/>
        <source>Detected and tracked with {0}</source>
        <translation>已检测并用 {0} 跟踪</translation>
    </message>
    <message>
        <location filename="../video/controller.py" line="195"/>
        <source>Interpolated</source>
        <translation>已插值</translation>
    </message>
    <message>
        <location filename="../video/controller.py" line="212"/>
        <source>Propagated {0}</source>
        <translation>已传播（{0}）</translation>
    </message>
    <message>
        <location filename="../video/controller.py" line="235"/>
        <source>Track {0} renamed to {1}</source>
        <translation>轨迹 {0} 已重命名为 {1}</translation>
    </message>
    <message>
        <location filename="../video/controller.py" line="240"/>
        <source>Track {0} merged into {1}</source>
        <translation>轨迹 {0} 已合并到 {1}</translation>
    </message>
    <message>
        <location filename="../video/controller.py" line="246"/>
        <source>Track {0} split at frame {1}</source>
        <translation>轨迹 {0} 已在第 {1} 帧拆分</translation>
    </message>
    <message>
        <location filename="../video/controller.py" line="251"/>
        <source>Track {0} deleted</source>
        <translation>轨迹 {0} 已删除</translation>
    </message>
    <message>
        <location filename="../video/sam2_propagation.py" line="82"/>
        <source>Nothing to follow: click the object with Segment Anything (or draw it with a track id) on this frame first.</source>
        <translation>没有可跟踪的对象：请先在本帧用分割一切点选对象（或绘制带轨迹 ID 的形状）。</translation>
    </message>
    <message>
        <location filename="../video/sam2_propagation.py" line="110"/>
        <source>Propagated with SAM 2</source>
        <translation>已用 SAM 2 传播</translation>
    </message>
    <message>
        <location filename="../video/sam2_propagation.py" line="112"/>
        <source>Propagating with SAM 2...</source>
        <translation>正在用 SAM 2 传播...</translation>
    </message>
    <message>
        <location filename="../sam/controller.py" line="354"/>
        <source>Segment Anything: {0} cannot segment everything (SAM 2 models can)</source>
        <translation>分割一切：{0} 不能分割全图（SAM 2 模型可以）</translation>
    </message>
    <message>
        <location filename="../sam/controller.py" line="371"/>
        <source>Segment Anything: segmenting everything...</source>
        <translation>分割一切：正在分割全图...</translation>
    </message>
    <message>
        <location filename="../sam/controller.py" line="381"/>
        <source>Segment Anything: {0} objects found</source>
        <translation>分割一切：找到 {0} 个目标</translation>
    </message>
</context>
<context>
    <name>dialogs</name>
    <message>
        <location filename="../export_import/dialogs.py" line="35"/>
        <source>Browse...</source>
        <translation>浏览...</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="63"/>
        <source>Classes file</source>
        <translation>类别文件</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="72"/>
        <source>Pose config</source>
        <translation>姿态配置</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="89"/>
        <source>Export Dataset</source>
        <translation>导出数据集</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="95"/>
        <source>optional: one label per line (default: classes.txt of the output, else of the images folder, else the labels found)</source>
        <translation>可选：每行一个标签（默认：输出文件夹的 classes.txt，其次为图像文件夹的，再次为找到的标签）</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="99"/>
        <source>yolo-pose / coco keypoints: YAML of keypoint names per class</source>
        <translation>yolo-pose / coco 关键点：每个类别的关键点名称 YAML</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="100"/>
        <source>Split into train/val/test</source>
        <translation>划分为训练/验证/测试集</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="102"/>
        <source>0.8,0.2 or 0.7,0.2,0.1</source>
        <translation>0.8,0.2 或 0.7,0.2,0.1</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="105"/>
        <source>Leave out images without a label file</source>
        <translation>跳过没有标注文件的图像</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="106"/>
        <source>Append labels missing from the class list (else skipped)</source>
        <translation>追加类别列表中缺少的标签（否则跳过）</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="177"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="179"/>
        <source>Images folder</source>
        <translation>图像文件夹</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="112"/>
        <source>Output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="118"/>
        <source>Split seed</source>
        <translation>划分随机种子</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="163"/>
        <source>Import Dataset</source>
        <translation>导入数据集</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="168"/>
        <source>COCO json, MOT gt.txt, PPOCR Label.txt, or the folder of label files</source>
        <translation>COCO json、MOT gt.txt、PPOCR Label.txt，或标注文件所在文件夹</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="171"/>
        <source>optional (default: classes.txt in the source folder)</source>
        <translation>可选（默认：源文件夹中的 classes.txt）</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="178"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="184"/>
        <source>Existing labels</source>
        <translation>已有标注</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="24"/>
        <source>Keep existing label files (report them)</source>
        <translation>保留已有标注文件（并列出）</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="25"/>
        <source>Add to existing label files</source>
        <translation>添加到已有标注文件</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="26"/>
        <source>Replace existing label files</source>
        <translation>替换已有标注文件</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="63"/>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>文本文件 (*.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../video/sam2_propagation.py" line="63"/>
        <source>YAML (*.yaml *.yml);;All files (*)</source>
        <translation>YAML (*.yaml *.yml);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="190"/>
        <source>Source file</source>
        <translation>源文件</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="190"/>
        <source>Dataset files (*.json *.txt);;All files (*)</source>
        <translation>数据集文件 (*.json *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../export_import/dialogs.py" line="193"/>
        <source>Folder of label files</source>
        <translation>标注文件所在文件夹</translation>
    </message>
</context>
<context>
    <name>document</name>
    <message>
        <location filename="../document.py" line="66"/>
        <source>{0} was changed on disk by another program or a background run: kept its {1} shapes and added your {2} unsaved new/edited shapes</source>
        <translation>{0} 已被其他程序或后台任务在磁盘上修改：保留了文件中的 {1} 个形状，并加入了您未保存的 {2} 个新建/编辑的形状</translation>
    </message>
    <message>
        <location filename="../document.py" line="70"/>
        <source> (your deletion/edit of {0} of its shapes applied)</source>
        <translation>（已应用您对其中 {0} 个形状的删除/编辑）</translation>
    </message>
    <message>
        <location filename="../document.py" line="317"/>
        <source>changed on disk and cannot be read now ({0}); it is not overwritten and your edits are kept in the window</source>
        <translation>已在磁盘上被修改，现在无法读取（{0}）；文件未被覆盖，您的编辑保留在窗口中</translation>
    </message>
</context>
<context>
    <name>edit_ops</name>
    <message>
        <location filename="../edit_ops.py" line="24"/>
        <source>Open an image or a folder first (Ctrl+U)</source>
        <translation>请先打开图像或文件夹（Ctrl+U）</translation>
    </message>
    <message>
        <location filename="../edit_ops.py" line="70"/>
        <source>Shape discarded (no label)</source>
        <translation>形状已丢弃（无标签）</translation>
    </message>
    <message>
        <location filename="../edit_ops.py" line="177"/>
        <source>Copied {0} shape(s)</source>
        <translation>已复制 {0} 个形状</translation>
    </message>
    <message>
        <location filename="../edit_ops.py" line="207"/>
        <source>Grouped {0} shape(s) as #{1}</source>
        <translation>已将 {0} 个形状编为第 {1} 组</translation>
    </message>
    <message>
        <location filename="../edit_ops.py" line="149"/>
        <source>{0} shapes selected</source>
        <translation>已选择 {0} 个形状</translation>
    </message>
    <message>
        <location filename="../edit_ops.py" line="154"/>
        <source>{0} hidden</source>
        <translation>{0} 个已隐藏</translation>
    </message>
</context>
<context>
    <name>export_import</name>
    <message>
        <location filename="../extensions/export_import.py" line="21"/>
        <source>Export &amp;Dataset...</source>
        <translation>导出数据集(&amp;D)...</translation>
    </message>
    <message>
        <location filename="../extensions/export_import.py" line="21"/>
        <source>Write the folder&apos;s labels as YOLO, COCO, VOC, DOTA, MOT, masks or PPOCR</source>
        <translation>将文件夹的标注导出为 YOLO、COCO、VOC、DOTA、MOT、掩码或 PPOCR</translation>
    </message>
    <message>
        <location filename="../extensions/export_import.py" line="21"/>
        <source>&amp;Import Dataset...</source>
        <translation>导入数据集(&amp;I)...</translation>
    </message>
    <message>
        <location filename="../extensions/export_import.py" line="21"/>
        <source>Turn a YOLO, COCO, VOC, DOTA, MOT, mask or PPOCR dataset into label files</source>
        <translation>将 YOLO、COCO、VOC、DOTA、MOT、掩码或 PPOCR 数据集转换为标注文件</translation>
    </message>
</context>
<context>
    <name>extract_dialog</name>
    <message>
        <location filename="../video/extract_dialog.py" line="16"/>
        <source>Open Video: {0}</source>
        <translation>打开视频：{0}</translation>
    </message>
    <message>
        <location filename="../video/extract_dialog.py" line="21"/>
        <source>{0} x {1}, {2}, {3}</source>
        <translation>{0} x {1}，{2}，{3}</translation>
    </message>
    <message>
        <location filename="../video/extract_dialog.py" line="49"/>
        <source>Frames folder</source>
        <translation>帧文件夹</translation>
    </message>
    <message>
        <location filename="../video/extract_dialog.py" line="33"/>
        <source> (every N-th frame)</source>
        <translation>（每 N 帧取一帧）</translation>
    </message>
    <message>
        <location filename="../video/extract_dialog.py" line="40"/>
        <source>Interval</source>
        <translation>间隔</translation>
    </message>
    <message>
        <location filename="../video/extract_dialog.py" line="41"/>
        <source>First frame</source>
        <translation>第一帧</translation>
    </message>
    <message>
        <location filename="../video/extract_dialog.py" line="42"/>
        <source>Last frame</source>
        <translation>最后一帧</translation>
    </message>
</context>
<context>
    <name>file_list</name>
    <message>
        <location filename="../docks/file_list.py" line="128"/>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../docks/file_list.py" line="132"/>
        <source>Filter file names</source>
        <translation>筛选文件名</translation>
    </message>
    <message>
        <location filename="../docks/file_list.py" line="215"/>
        <source>No folder</source>
        <translation>未打开文件夹</translation>
    </message>
    <message>
        <location filename="../docks/file_list.py" line="220"/>
        <source>{0} / {1} · {2} labelled{3}</source>
        <translation>{0} / {1} · 已标注 {2}{3}</translation>
    </message>
    <message>
        <location filename="../docks/file_list.py" line="217"/>
        <source> ({0} shown)</source>
        <translation>（显示 {0} 个）</translation>
    </message>
</context>
<context>
    <name>file_ops</name>
    <message>
        <location filename="../file_ops.py" line="27"/>
        <source>Open Folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location filename="../file_ops.py" line="34"/>
        <source>Open Image</source>
        <translation>打开图像</translation>
    </message>
    <message>
        <location filename="../file_ops.py" line="34"/>
        <source>Images ({0})</source>
        <translation>图像 ({0})</translation>
    </message>
    <message>
        <location filename="../file_ops.py" line="52"/>
        <source>{0}: not a folder or a file that AnyLabel can open</source>
        <translation>{0}：不是 AnyLabel 能打开的文件夹或文件</translation>
    </message>
    <message>
        <location filename="../file_ops.py" line="68"/>
        <source>{0}: cannot be listed ({1})</source>
        <translation>{0}：无法列出（{1}）</translation>
    </message>
    <message>
        <location filename="../file_ops.py" line="83"/>
        <source>{0}: no images</source>
        <translation>{0}：没有图像</translation>
    </message>
    <message>
        <location filename="../file_ops.py" line="134"/>
        <source>{0}
The shapes in this file are not shown and the file will not be overwritten.</source>
        <translation>{0}
此文件中的形状不会显示，文件也不会被覆盖。</translation>
    </message>
    <message>
        <location filename="../file_ops.py" line="248"/>
        <source>Saved {0}</source>
        <translation>已保存 {0}</translation>
    </message>
    <message>
        <location filename="../file_ops.py" line="286"/>
        <source>Reloaded {0} ({1} shapes)</source>
        <translation>已重新加载 {0}（{1} 个形状）</translation>
    </message>
    <message>
        <location filename="../file_ops.py" line="331"/>
        <source>{0}AnyLabel[*]</source>
        <translation>{0}AnyLabel[*]</translation>
    </message>
    <message>
        <location filename="../file_ops.py" line="340"/>
        <source>Image {0} of {1} · {2} labelled</source>
        <translation>第 {0} / {1} 张 · 已标注 {2}</translation>
    </message>
    <message>
        <location filename="../file_ops.py" line="365"/>
        <source>Import Class List</source>
        <translation>导入类别列表</translation>
    </message>
    <message>
        <location filename="../file_ops.py" line="365"/>
        <source>Class lists (*.txt);;All files (*)</source>
        <translation>类别列表 (*.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../file_ops.py" line="376"/>
        <source>Imported {0} classes from {1}</source>
        <translation>已从 {1} 导入 {0} 个类别</translation>
    </message>
    <message>
        <location filename="../file_ops.py" line="382"/>
        <source>Export Class List</source>
        <translation>导出类别列表</translation>
    </message>
    <message>
        <location filename="../file_ops.py" line="382"/>
        <source>Class lists (*.txt)</source>
        <translation>类别列表 (*.txt)</translation>
    </message>
    <message>
        <location filename="../file_ops.py" line="393"/>
        <source>{0}: cannot be written ({1})</source>
        <translation>{0}：无法写入（{1}）</translation>
    </message>
    <message>
        <location filename="../file_ops.py" line="395"/>
        <source>Exported {0} classes to {1}</source>
        <translation>已导出 {0} 个类别到 {1}</translation>
    </message>
</context>
<context>
    <name>image_flags</name>
    <message>
        <location filename="../docks/image_flags.py" line="25"/>
        <source>Flags</source>
        <translation>标记</translation>
    </message>
    <message>
        <location filename="../docks/image_flags.py" line="18"/>
        <source>No flags on this image</source>
        <translation>此图像没有标记</translation>
    </message>
</context>
<context>
    <name>image_loader</name>
    <message>
        <location filename="../image_loader.py" line="131"/>
        <source>{0}: all levels of the image are ready</source>
        <translation>{0}：图像的所有层级已就绪</translation>
    </message>
    <message>
        <location filename="../image_loader.py" line="134"/>
        <source>{0}: reading the huge image ({1} %); the parts read are shown</source>
        <translation>{0}：正在读取超大图像（{1} %）；已读取的部分会先显示</translation>
    </message>
</context>
<context>
    <name>label_dialog</name>
    <message>
        <location filename="../dialogs/label_dialog.py" line="65"/>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../dialogs/label_dialog.py" line="75"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../dialogs/label_dialog.py" line="77"/>
        <source>Difficult</source>
        <translation>困难</translation>
    </message>
    <message>
        <location filename="../dialogs/label_dialog.py" line="79"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../dialogs/label_dialog.py" line="95"/>
        <source>Add attribute</source>
        <translation>添加属性</translation>
    </message>
    <message>
        <location filename="../dialogs/label_dialog.py" line="101"/>
        <source>Group id</source>
        <translation>组 ID</translation>
    </message>
    <message>
        <location filename="../dialogs/label_dialog.py" line="91"/>
        <source>Attribute</source>
        <translation>属性</translation>
    </message>
    <message>
        <location filename="../dialogs/label_dialog.py" line="91"/>
        <source>Value</source>
        <translation>值</translation>
    </message>
</context>
<context>
    <name>label_list</name>
    <message>
        <location filename="../docks/label_list.py" line="18"/>
        <source>Labels</source>
        <translation>标签</translation>
    </message>
</context>
<context>
    <name>language_menu</name>
    <message>
        <location filename="../language_menu.py" line="20"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
</context>
<context>
    <name>main_window</name>
    <message>
        <location filename="../main_window.py" line="81"/>
        <source>Tools</source>
        <translation>工具</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="93"/>
        <source>Open &amp;Recent Folder</source>
        <translation>最近打开的文件夹(&amp;R)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="137"/>
        <source>Extensions that failed: </source>
        <translation>加载失败的扩展：</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="157"/>
        <source>&amp;Panels</source>
        <translation>面板(&amp;P)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="171"/>
        <source>x {0:.0f}, y {1:.0f}</source>
        <translation>x {0:.0f}，y {1:.0f}</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="347"/>
        <source>AnyLabel</source>
        <translation>AnyLabel</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="352"/>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="352"/>
        <source>Save the changes to the labels of {0}?</source>
        <translation>是否保存对 {0} 标注的更改？</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="114"/>
        <source>Keys given to several actions in {0}: </source>
        <translation>{0} 中有快捷键分配给了多个操作：</translation>
    </message>
</context>
<context>
    <name>panel</name>
    <message>
        <location filename="../autolabel/panel.py" line="31"/>
        <source>NMS</source>
        <translation>NMS</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="32"/>
        <source>Soft-NMS (linear)</source>
        <translation>Soft-NMS（线性）</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="33"/>
        <source>Soft-NMS (Gaussian)</source>
        <translation>Soft-NMS（高斯）</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="34"/>
        <source>Weighted NMS</source>
        <translation>加权 NMS</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="35"/>
        <source>DIoU-NMS</source>
        <translation>DIoU-NMS</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="46"/>
        <source>Auto labeling</source>
        <translation>自动标注</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="61"/>
        <source>Search models…</source>
        <translation>搜索模型…</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="68"/>
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="70"/>
        <source>Load custom model…</source>
        <translation>加载自定义模型…</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="74"/>
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="84"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="89"/>
        <source>Confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="94"/>
        <source>IoU (NMS)</source>
        <translation>IoU（NMS）</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="98"/>
        <source>Suppression</source>
        <translation>抑制方法</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="100"/>
        <source>Output shapes</source>
        <translation>输出形状</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="101"/>
        <source>Sliced inference (small objects)</source>
        <translation>切片推理（小目标）</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="106"/>
        <source> px tiles</source>
        <translation> 像素切片</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="108"/>
        <source>Tile size</source>
        <translation>切片大小</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="117"/>
        <source>Keep existing shapes</source>
        <translation>保留已有形状</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="137"/>
        <source>Run on this image</source>
        <translation>在此图像上运行</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="146"/>
        <source>Images</source>
        <translation>图像</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="148"/>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="150"/>
        <source>Run all images</source>
        <translation>运行全部图像</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="152"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="241"/>
        <source>Some model configs are broken:
</source>
        <translation>部分模型配置已损坏：
</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="280"/>
        <source>Pick a model in the list first.</source>
        <translation>请先在列表中选择一个模型。</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="286"/>
        <source>Load custom model</source>
        <translation>加载自定义模型</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="286"/>
        <source>Model config (*.yaml *.yml)</source>
        <translation>模型配置 (*.yaml *.yml)</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="292"/>
        <source>Cannot load the model config: {0}</source>
        <translation>无法加载模型配置：{0}</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="297"/>
        <source>Loading {0}…</source>
        <translation>正在加载 {0}…</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="311"/>
        <source>Downloading {0}: {1:.1f} MB</source>
        <translation>正在下载 {0}：{1:.1f} MB</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="311"/>
        <source> of {0:.1f} MB</source>
        <translation> / {0:.1f} MB</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="319"/>
        <source>{0} ({1}) on {2}{3}</source>
        <translation>{0}（{1}），运行于 {2}{3}</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="392"/>
        <source>Load a model first (pick one in the list, or 'Load custom model…').</source>
        <translation>请先加载模型（在列表中选择一个，或使用“加载自定义模型…”）。</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="404"/>
        <source>Open an image first.</source>
        <translation>请先打开图像。</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="409"/>
        <source>Running {0} on {1}…</source>
        <translation>正在对 {1} 运行 {0}…</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="421"/>
        <source>The image changed while the model ran; nothing was added.</source>
        <translation>模型运行期间图像已切换；未添加任何内容。</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="433"/>
        <source>{0}: image flag {1}</source>
        <translation>{0}：图像标记 {1}</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="433"/>
        <source>{0}: no class above the confidence threshold (best: {1})</source>
        <translation>{0}：没有高于置信度阈值的类别（最佳：{1}）</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="436"/>
        <source>{0}: {1} shapes{2}{3}</source>
        <translation>{0}：{1} 个形状{2}{3}</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="436"/>
        <source> (replaced)</source>
        <translation>（已替换）</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="436"/>
        <source> added</source>
        <translation>已添加</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="452"/>
        <source>Open a folder of images first.</source>
        <translation>请先打开图像文件夹。</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="482"/>
        <source>{0}/{1} images, ETA {2:.0f} s</source>
        <translation>{0}/{1} 张图像，预计剩余 {2:.0f} 秒</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="499"/>
        <source>%p%</source>
        <translation>%p%</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="505"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="528"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="528"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="529"/>
        <source>{0}: {1}/{2} images in {3:.1f} s, {4} label files written, {5} unchanged, {6} shapes, {7} failed.</source>
        <translation>{0}：{1}/{2} 张图像，用时 {3:.1f} 秒，写入 {4} 个标注文件，{5} 个未更改，{6} 个形状，{7} 个失败。</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="325"/>
        <source>A small demo model that works offline, trained on synthetic shapes; load a real model for your own images.</source>
        <translation>这是一个可离线使用的小型演示模型，用合成图形训练；标注您自己的图像请加载正式模型。</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="112"/>
        <source>e.g. person, red car, dog</source>
        <translation>英文类别名，以逗号分隔</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="113"/>
        <source>Text prompt</source>
        <translation>文本提示</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="114"/>
        <source>Prompt on the canvas: Tools ▸ Segment Anything (points, boxes)</source>
        <translation>在画布上提示：工具 ▸ 分割一切（点、框）</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="122"/>
        <source>Replace earlier predictions</source>
        <translation>替换之前的预测</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="123"/>
        <source>Run all images: remove the shapes this model wrote on an earlier run (unless you edited them), then add the new ones</source>
        <translation>运行全部图像：先删除此模型在之前运行中写入的形状（您编辑过的除外），再添加新的形状</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="82"/>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../autolabel/panel.py" line="321"/>
        <source>A demo model that works offline, with SAM&apos;s interface and no learned weights: a click selects the region of similar colour around it. Load MobileSAM or SAM for your own images.</source>
        <translation>离线可用的演示模型，接口与 SAM 相同但没有训练权重：单击会选中周围颜色相近的区域。处理您自己的图像请加载 MobileSAM 或 SAM。</translation>
    </message>
</context>
<context>
    <name>sam</name>
    <message>
        <location filename="../extensions/sam.py" line="21"/>
        <source>Polygon</source>
        <translation>多边形</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="21"/>
        <source>Rectangle</source>
        <translation>矩形</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="22"/>
        <source>Rotation</source>
        <translation>旋转框</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="22"/>
        <source>Mask</source>
        <translation>掩码</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="62"/>
        <source>Segment &amp;Anything</source>
        <translation>分割一切(&amp;A)</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="63"/>
        <source>&amp;Model</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="70"/>
        <source>Load Model Config (YAML)...</source>
        <translation>加载模型配置 (YAML)...</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="75"/>
        <source>SAM model config</source>
        <translation>SAM 模型配置</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="75"/>
        <source>Model config (*.yaml *.yml)</source>
        <translation>模型配置 (*.yaml *.yml)</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="99"/>
        <source>&amp;Positive Point</source>
        <translation>正向点(&amp;P)</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="100"/>
        <source>&amp;Negative Point</source>
        <translation>负向点(&amp;N)</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="103"/>
        <source>&amp;Clear Prompts</source>
        <translation>清除提示(&amp;C)</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="104"/>
        <source>&amp;Finish Object</source>
        <translation>完成对象(&amp;F)</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="105"/>
        <source>&amp;Leave Segment Anything</source>
        <translation>退出分割一切(&amp;L)</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="111"/>
        <source>&amp;Output</source>
        <translation>输出(&amp;O)</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="121"/>
        <source>Polygon tolerance</source>
        <translation>多边形容差</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="121"/>
        <source>Simplification tolerance (pixels):</source>
        <translation>简化容差（像素）：</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="126"/>
        <source>Polygon &amp;Tolerance...</source>
        <translation>多边形容差(&amp;T)...</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="129"/>
        <source>Rectangles to Segments (This &amp;Image)</source>
        <translation>矩形转分割（此图像）(&amp;I)</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="130"/>
        <source>Rectangles to Segments (Whole &amp;Folder)</source>
        <translation>矩形转分割（整个文件夹）(&amp;F)</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="138"/>
        <source>Segment Anything</source>
        <translation>分割一切</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="143"/>
        <source>Segment Anything: click on an object</source>
        <translation>分割一切：点击一个对象</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="185"/>
        <source>Segment Anything: the last model ({0}) cannot be loaded: {1}</source>
        <translation>分割一切：无法加载上次使用的模型（{0}）：{1}</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="195"/>
        <source>Segment Anything: choose a model and open a folder first</source>
        <translation>分割一切：请先选择模型并打开文件夹</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="218"/>
        <source>Rectangles to segments: {0}/{1}</source>
        <translation>矩形转分割：{0}/{1}</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="231"/>
        <source>, {0} failed:
</source>
        <translation>，{0} 个失败：
</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="225"/>
        <source>Rectangles to segments: {0} label files written, {1} without rectangles</source>
        <translation>矩形转分割：写入 {0} 个标注文件，{1} 个没有矩形</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="228"/>
        <source>; your unsaved shapes on {0} were kept on top of its new shapes</source>
        <translation>；{0} 上您未保存的形状已保留在新形状之上</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="93"/>
        <source>Segment Anything: no model chosen yet, so the offline demo model is used (it selects regions of similar colour; choose a real model in Tools &gt; Segment Anything)</source>
        <translation>Segment Anything：尚未选择模型，因此使用离线演示模型（它选中颜色相近的区域；请在 工具 &gt; Segment Anything 中选择真正的模型）</translation>
    </message>
    <message>
        <location filename="../extensions/sam.py" line="128"/>
        <source>Segment &amp;Everything (This Image)</source>
        <translation>分割全图(&amp;E)（当前图像）</translation>
    </message>
</context>
<context>
    <name>shape_list</name>
    <message>
        <location filename="../docks/shape_list.py" line="55"/>
        <source>Shapes</source>
        <translation>形状</translation>
    </message>
    <message>
        <location filename="../docks/shape_list.py" line="64"/>
        <source>Send to back (drawn first)</source>
        <translation>置于底层（最先绘制）</translation>
    </message>
    <message>
        <location filename="../docks/shape_list.py" line="64"/>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <location filename="../docks/shape_list.py" line="64"/>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <location filename="../docks/shape_list.py" line="64"/>
        <source>Bring to front (drawn last)</source>
        <translation>置于顶层（最后绘制）</translation>
    </message>
    <message>
        <location filename="../docks/shape_list.py" line="39"/>
        <source>(no label)</source>
        <translation>（无标签）</translation>
    </message>
</context>
<context>
    <name>shape_types</name>
    <message>
        <location filename="__init__.py" line="40"/>
        <source>rectangle</source>
        <translation>矩形</translation>
    </message>
    <message>
        <location filename="__init__.py" line="41"/>
        <source>polygon</source>
        <translation>多边形</translation>
    </message>
    <message>
        <location filename="__init__.py" line="42"/>
        <source>rotation</source>
        <translation>旋转框</translation>
    </message>
    <message>
        <location filename="__init__.py" line="43"/>
        <source>circle</source>
        <translation>圆形</translation>
    </message>
    <message>
        <location filename="__init__.py" line="44"/>
        <source>line</source>
        <translation>直线</translation>
    </message>
    <message>
        <location filename="__init__.py" line="45"/>
        <source>point</source>
        <translation>点</translation>
    </message>
    <message>
        <location filename="__init__.py" line="46"/>
        <source>linestrip</source>
        <translation>折线</translation>
    </message>
    <message>
        <location filename="__init__.py" line="47"/>
        <source>mask</source>
        <translation>掩码</translation>
    </message>
</context>
<context>
    <name>shortcuts_dialog</name>
    <message>
        <location filename="../dialogs/shortcuts_dialog.py" line="35"/>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../dialogs/shortcuts_dialog.py" line="15"/>
        <source>Finish polygon / line strip</source>
        <translation>完成多边形/折线</translation>
    </message>
    <message>
        <location filename="../dialogs/shortcuts_dialog.py" line="15"/>
        <source>Enter, double-click</source>
        <translation>Enter、双击</translation>
    </message>
    <message>
        <location filename="../dialogs/shortcuts_dialog.py" line="17"/>
        <source>Cancel drawing</source>
        <translation>取消绘制</translation>
    </message>
    <message>
        <location filename="../dialogs/shortcuts_dialog.py" line="18"/>
        <source>Remove last vertex while drawing</source>
        <translation>绘制时删除最后一个顶点</translation>
    </message>
    <message>
        <location filename="../dialogs/shortcuts_dialog.py" line="19"/>
        <source>Nudge selection</source>
        <translation>微移所选</translation>
    </message>
    <message>
        <location filename="../dialogs/shortcuts_dialog.py" line="19"/>
        <source>Arrows (Shift: 10 px)</source>
        <translation>方向键（Shift：10 像素）</translation>
    </message>
    <message>
        <location filename="../dialogs/shortcuts_dialog.py" line="20"/>
        <source>Pan</source>
        <translation>平移</translation>
    </message>
    <message>
        <location filename="../dialogs/shortcuts_dialog.py" line="20"/>
        <source>Space+drag, middle drag</source>
        <translation>Space+拖动、中键拖动</translation>
    </message>
    <message>
        <location filename="../dialogs/shortcuts_dialog.py" line="28"/>
        <source>Override any key in {0}.</source>
        <translation>可在 {0} 中修改任意按键。</translation>
    </message>
</context>
<context>
    <name>statistics_dialog</name>
    <message>
        <location filename="../dialogs/statistics_dialog.py" line="58"/>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <location filename="../dialogs/statistics_dialog.py" line="61"/>
        <source>&lt;b&gt;{0}&lt;/b&gt; of &lt;b&gt;{1}&lt;/b&gt; images labelled ({2:.1f}%) · &lt;b&gt;{3}&lt;/b&gt; shapes · &lt;b&gt;{4}&lt;/b&gt; labels</source>
        <translation>&lt;b&gt;{1}&lt;/b&gt; 张图像中已标注 &lt;b&gt;{0}&lt;/b&gt; 张（{2:.1f}%）· &lt;b&gt;{3}&lt;/b&gt; 个形状 · &lt;b&gt;{4}&lt;/b&gt; 个标签</translation>
    </message>
    <message>
        <location filename="../dialogs/statistics_dialog.py" line="65"/>
        <source>{0} label file(s) could not be read, e.g. {1}</source>
        <translation>{0} 个标注文件无法读取，例如 {1}</translation>
    </message>
    <message>
        <location filename="../dialogs/statistics_dialog.py" line="69"/>
        <source>&lt;b&gt;Shapes per label&lt;/b&gt;</source>
        <translation>&lt;b&gt;各标签的形状数&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../dialogs/statistics_dialog.py" line="75"/>
        <source>&lt;b&gt;Shapes per type&lt;/b&gt;</source>
        <translation>&lt;b&gt;各类型的形状数&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../dialogs/statistics_dialog.py" line="42"/>
        <source>(no label)</source>
        <translation>（无标签）</translation>
    </message>
</context>
<context>
    <name>theme</name>
    <message>
        <location filename="../theme.py" line="21"/>
        <source>&amp;System</source>
        <translation>跟随系统(&amp;S)</translation>
    </message>
    <message>
        <location filename="../theme.py" line="21"/>
        <source>&amp;Light</source>
        <translation>浅色(&amp;L)</translation>
    </message>
    <message>
        <location filename="../theme.py" line="21"/>
        <source>&amp;Dark</source>
        <translation>深色(&amp;D)</translation>
    </message>
    <message>
        <location filename="../theme.py" line="124"/>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
</context>
<context>
    <name>tracks_dock</name>
    <message>
        <location filename="../video/tracks_dock.py" line="19"/>
        <source>Track</source>
        <translation>轨迹</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="19"/>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="19"/>
        <source>First</source>
        <translation>首帧</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="19"/>
        <source>Last</source>
        <translation>末帧</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="19"/>
        <source>Frames</source>
        <translation>帧数</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="34"/>
        <source>Tracks</source>
        <translation>轨迹</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="63"/>
        <source>First frame</source>
        <translation>第一帧</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="63"/>
        <source>Go to the track&apos;s first frame</source>
        <translation>转到轨迹的第一帧</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="64"/>
        <source>Last frame</source>
        <translation>最后一帧</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="64"/>
        <source>Go to the track&apos;s last frame</source>
        <translation>转到轨迹的最后一帧</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="65"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="66"/>
        <source>Rename...</source>
        <translation>重命名...</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="66"/>
        <source>Give every box of the track another label</source>
        <translation>为该轨迹的所有框更换标签</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="67"/>
        <source>Merge into...</source>
        <translation>合并到...</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="67"/>
        <source>This track and another are one object</source>
        <translation>此轨迹与另一轨迹是同一对象</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="68"/>
        <source>Split here</source>
        <translation>在此拆分</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="68"/>
        <source>From the current frame on, a new track id</source>
        <translation>从当前帧起使用新的轨迹 ID</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="69"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="69"/>
        <source>Remove the track&apos;s shapes from every frame</source>
        <translation>从所有帧中删除该轨迹的形状</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="78"/>
        <source>Track boxes</source>
        <translation>跟踪框</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="79"/>
        <source>Assign track ids to the boxes (rectangles, rotated boxes) in this folder&apos;s label files; ids you set are kept and continued</source>
        <translation>为此文件夹标注文件中的框（矩形、旋转框）分配轨迹 ID；您设置的 ID 会被保留并延续</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="83"/>
        <source>Recompute ids already set</source>
        <translation>重新计算已设置的 ID</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="84"/>
        <source>Track boxes gives every box a new id, also the ids you set; shapes grouped with a box (keypoints, polygon parts) follow it</source>
        <translation>跟踪框会为每个框分配新 ID（包括您设置的 ID）；与框同组的形状（关键点、多边形部件）随之变化</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="86"/>
        <source>Detect + track</source>
        <translation>检测 + 跟踪</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="87"/>
        <source>Run the Auto Labeling panel&apos;s model with this tracker from the current frame (the frame count below; your frames are never changed)</source>
        <translation>从当前帧起用此跟踪器运行自动标注面板中的模型（帧数见下方；您编辑过的帧不会被修改）</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="91"/>
        <source>Interpolate keyframes</source>
        <translation>插值关键帧</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="92"/>
        <source>Fill the frames between two boxes of the same track id (your frames are never changed)</source>
        <translation>填充同一轨迹 ID 的两个框之间的帧（您编辑过的帧不会被修改）</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="103"/>
        <source>to the end</source>
        <translation>直到末尾</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="104"/>
        <source> frames</source>
        <translation> 帧</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="107"/>
        <source>Propagate from this frame</source>
        <translation>从此帧传播</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="108"/>
        <source>Carry this frame&apos;s objects through the next/previous frames (your frames are never changed)</source>
        <translation>将此帧的对象传播到后续/之前的帧（您编辑过的帧不会被修改）</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="130"/>
        <source>No folder open</source>
        <translation>未打开文件夹</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="207"/>
        <source>Rename track</source>
        <translation>重命名轨迹</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="207"/>
        <source>New label for track {0}:</source>
        <translation>轨迹 {0} 的新标签：</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="219"/>
        <source>Merge track</source>
        <translation>合并轨迹</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="219"/>
        <source>Track {0} becomes part of track:</source>
        <translation>轨迹 {0} 并入轨迹：</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="97"/>
        <source>forward</source>
        <translation>向后</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="97"/>
        <source>backward</source>
        <translation>向前</translation>
    </message>
    <message>
        <location filename="../video/tracks_dock.py" line="97"/>
        <source>both</source>
        <translation>双向</translation>
    </message>
</context>
<context>
    <name>training</name>
    <message>
        <location filename="../extensions/training.py" line="20"/>
        <source>&amp;Train a Model…</source>
        <translation>训练模型(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../training/chart.py" line="82"/>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <location filename="../training/chart.py" line="110"/>
        <source>the curves appear after the first epoch</source>
        <translation>第一轮结束后显示曲线</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="23"/>
        <source>Detection (boxes)</source>
        <translation>检测（框）</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="24"/>
        <source>Segmentation (polygons)</source>
        <translation>分割（多边形）</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="25"/>
        <source>Rotated boxes (OBB)</source>
        <translation>旋转框（OBB）</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="26"/>
        <source>Pose (boxes + keypoints)</source>
        <translation>姿态（框 + 关键点）</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="27"/>
        <source>Classification (image flags)</source>
        <translation>分类（图像标记）</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="33"/>
        <source>Train a model</source>
        <translation>训练模型</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="45"/>
        <source>Images</source>
        <translation>图像</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="50"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="52"/>
        <source>A model YAML Ultralytics knows (yolov8n.yaml, yolov8s-seg.yaml, ...) to train from scratch, or a local .pt file to start from</source>
        <translation>Ultralytics 可识别的模型 YAML（yolov8n.yaml、yolov8s-seg.yaml 等），用于从头训练；或一个本地 .pt 文件，在其基础上训练</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="54"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="63"/>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="71"/>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="71"/>
        <source>Image size</source>
        <translation>图像尺寸</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="71"/>
        <source>Validation share</source>
        <translation>验证集比例</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="71"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="79"/>
        <source>Run folder</source>
        <translation>运行文件夹</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="81"/>
        <source>The Python that has Ultralytics (pip install &apos;anylabel[train]&apos;)</source>
        <translation>已安装 Ultralytics 的 Python（pip install 'anylabel[train]'）</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="82"/>
        <source>Training Python</source>
        <translation>训练用 Python</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="86"/>
        <source>Ready.</source>
        <translation>就绪。</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="94"/>
        <source>Start training</source>
        <translation>开始训练</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="96"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="98"/>
        <source>Run it on the unlabelled images</source>
        <translation>在未标注的图像上运行</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="100"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="126"/>
        <source>Choose a folder</source>
        <translation>选择文件夹</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="126"/>
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="182"/>
        <source>Choose the images folder and a run folder first.</source>
        <translation>请先选择图像文件夹和运行文件夹。</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="192"/>
        <source>%v / %m epochs</source>
        <translation>%v / %m 轮</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="235"/>
        <source>Cancelled: the training process was stopped.</source>
        <translation>已取消：训练进程已停止。</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="204"/>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="209"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="238"/>
        <source>no epoch reported</source>
        <translation>未报告任何轮次</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="240"/>
        <source>Done: {0}. The model &apos;{1}&apos; is in the auto-labeling panel (config {2}).</source>
        <translation>完成：{0}。模型“{1}”已加入自动标注面板（配置 {2}）。</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="281"/>
        <source>Train a model first (and keep the auto-labeling panel enabled).</source>
        <translation>请先训练模型（并保持自动标注面板启用）。</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="285"/>
        <source>Every image of the open folder has a label file: nothing to run on.</source>
        <translation>已打开文件夹中的每张图像都有标注文件：没有可运行的图像。</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="299"/>
        <source>Running '{0}' on {1} unlabelled image(s) in the auto-labeling panel…</source>
        <translation>正在自动标注面板中对 {1} 张未标注图像运行“{0}”…</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="325"/>
        <source>training stopped by an unexpected error: {0}: {1}</source>
        <translation>训练因意外错误而停止：{0}：{1}</translation>
    </message>
    <message>
        <location filename="../training/dialog.py" line="197"/>
        <source>Training</source>
        <translation>训练</translation>
    </message>
</context>
<context>
    <name>video</name>
    <message>
        <location filename="../extensions/video.py" line="29"/>
        <source>Open Video</source>
        <translation>打开视频</translation>
    </message>
    <message>
        <location filename="../extensions/video.py" line="36"/>
        <source>Open &amp;Video...</source>
        <translation>打开视频(&amp;V)...</translation>
    </message>
    <message>
        <location filename="../extensions/video.py" line="47"/>
        <source>&amp;Tracks</source>
        <translation>轨迹(&amp;T)</translation>
    </message>
    <message>
        <location filename="../extensions/video.py" line="50"/>
        <source>&amp;Video</source>
        <translation>视频(&amp;V)</translation>
    </message>
    <message>
        <location filename="../extensions/video.py" line="51"/>
        <source>Track Boxes in Folder</source>
        <translation>跟踪文件夹中的框</translation>
    </message>
    <message>
        <location filename="../extensions/video.py" line="51"/>
        <source>Interpolate Keyframes</source>
        <translation>插值关键帧</translation>
    </message>
    <message>
        <location filename="../extensions/video.py" line="51"/>
        <source>Propagate Forward</source>
        <translation>向后传播</translation>
    </message>
    <message>
        <location filename="../extensions/video.py" line="51"/>
        <source>Propagate Backward</source>
        <translation>向前传播</translation>
    </message>
    <message>
        <location filename="../extensions/video.py" line="51"/>
        <source>Propagate with SAM 2</source>
        <translation>用 SAM 2 传播</translation>
    </message>
    <message>
        <location filename="../video/sam2_propagation.py" line="63"/>
        <source>SAM 2 video model config</source>
        <translation>SAM 2 视频模型配置</translation>
    </message>
</context>
</TS>
