"""Our own test sentences (never cut from the seed plans) for tokenizer and embedding fidelity."""

# full-width, specials as text, unknown and emoji, odd whitespace
OWN_SENTENCES = [
    "本所為提升為民服務品質，訂定年度服務計畫並定期檢討。",
    "設置單一服務窗口，提供民眾「一處收件、全程服務」。",
    "ＡＢＣ網站全形字１２３與半形字abc混排，（括號）和：冒號",
    "民眾可於官網<s>留言</s>，系統以<pad>與<mask>標記",
    "字面上的<unk>不是未知詞",
    "罕見字𠀀𠀁𪚥連續出現，與㊣字",
    "表情符號😀🙂👍🏽與❤️，以及🇹🇼國旗",
    "tab\t分隔\n換行\r\n與　全形空白、多個   空格及\u200b零寬字元",
    "   開頭有空白，結尾也有   ",
    "English words mixed: e-Government, i-Taiwan, 1999 hotline.",
    "",
]
