"""Text pools for `simulator.generator`: survey comments and review texts, English and Persian.

The generator samples these by index, so it stays vectorised. Some entries carry commas,
double quotes and line breaks on purpose: they must survive as quoted CSV. The `long_*`
pools hold texts of 200+ characters (the contract's "vocal" signal).
"""

COMMENTS = {
    "en": {
        "pos": [
            "Quick and friendly, thanks!",
            "Solved in minutes. Great support.",
            "The agent knew exactly what to do.",
            "Clear answer, no back and forth.",
            "Fixed on the first reply, impressive.",
            "Great service, as always.",
            "Fast, polite, and to the point.",
            "Happy with how this was handled.",
            "You told me about the delay before I asked, nice touch.",
            "Refund arrived the same day.",
            "Thanks for sorting this out so quickly!",
            "Very patient agent. 10/10.",
        ],
        "neu": [
            "Fine, but it took a while.",
            "Problem solved, eventually.",
            "OK. I had to explain the issue twice.",
            "The answer was correct but a bit generic.",
            "Resolved, though the app still feels slow.",
            "Decent support, average experience.",
            "It works now. Not sure what changed.",
            "Agent was nice; the process, less so.",
        ],
        "neg": [
            "Still not fixed.",
            "Nobody took responsibility for the mistake.",
            "I was charged twice and I'm still waiting for my money.",
            "Closed my ticket without solving anything.",
            "Had to repeat my order number three times, to three different people.",
            'The agent said "it\'s a known issue" and that was it.',
            "Very disappointed. I expected much better.",
            "Copy-paste answers that ignore my question.",
            "The delivery was late, again, and no one told me.",
            "Worst support experience I've had this year.",
        ],
        "slow": [
            "Waited 3 days for a first reply.",
            "48 hours to get an answer to a simple question.",
            "By the time you replied, I had fixed it myself.",
            "Two weeks and counting. Not acceptable.",
            "Slow, slow, slow.",
            "Nobody answered for days.\nThen the ticket was closed.",
        ],
        "long_neg": [
            "I opened this ticket because my invoice showed a charge I never authorised. The "
            "first reply came two days later and asked for information I had already given. "
            "After that, three different agents asked the same questions. The money was "
            "returned in the end, but nobody apologised and I lost a week.",
            "This is the third time this quarter that a payout was delayed without any notice. "
            'Each time I contact support I get a polite reply promising a fix "by tomorrow", '
            "and each time tomorrow comes and goes. I run a small business, and I can't plan "
            "around promises that are never kept.",
            "The app logged me out during a payment, and when I logged back in the payment "
            "showed as failed, but the money had left my account. Support answered quickly, "
            "which I appreciate, but the answer was a generic checklist. I need someone to look "
            "at my actual account, not a script.",
            "Honestly, the product is good, which is why I'm so frustrated. The export has been "
            "broken for weeks, the status page says everything is fine, and the only workaround "
            "your team suggested was to do it manually, line by line, for 400 invoices. Please "
            "fix it, or at least tell us when.",
            "Summary of my experience:\n- first reply after 30 hours\n- ticket closed twice "
            'without a solution\n- told to "clear the cache" three times\nI have been a paying '
            "customer for four years and this is the first time I'm seriously considering "
            "leaving. Please escalate this.",
        ],
        "long_pos": [
            "I want to say thanks to the agent who handled this. The problem was complicated, "
            "involving two accounts and a refund across currencies, and she explained every "
            "step, called me back when she said she would, and followed up a week later to "
            "make sure everything was still fine. Excellent.",
            "I was ready to cancel after the outage last week, but the way your team handled it "
            "changed my mind: a clear notice before I even noticed the problem, a straight "
            "apology, a small credit on the next invoice, and a fix within the day. That is how "
            "it should be done.",
        ],
    },
    "fa": {
        "pos": [
            "پشتیبانی خیلی سریع جواب داد، ممنون.",
            "مشکلم در کمتر از ۱ ساعت حل شد.",
            "همکارتان بسیار مودب و صبور بود.",
            "پاسخ روشن و کامل بود، سپاسگزارم.",
            "همه چیز عالی بود.",
            "کارشناس شما دقیقاً می‌دانست چه کار کند.",
            "با اولین پاسخ مشکل برطرف شد.",
            "بازپرداخت همان روز انجام شد، ممنونم.",
            "قبل از اینکه بپرسم خودتان خبر دادید، عالی بود.",
        ],
        "neu": [
            "مشکل حل شد ولی کمی طول کشید.",
            "پاسخ درست بود اما مجبور شدم دو بار توضیح بدهم.",
            "بد نبود، ولی می‌توانست بهتر باشد.",
            "کارشناس مهربان بود ولی اطلاعات کافی نداشت.",
            "بالاخره درست شد.",
            "الان کار می‌کند، ولی نمی‌دانم چه چیزی عوض شد.",
        ],
        "neg": [
            "هنوز مشکلم حل نشده است.",
            "هیچ‌کس مسئولیت اشتباه را قبول نکرد.",
            "دو بار از حسابم پول کم شد و هنوز منتظر بازگشت آن هستم.",
            "تیکت من بدون حل مشکل بسته شد.",
            "خیلی ناامید شدم، واقعاً انتظار بیشتری داشتم.",
            "پاسخ‌های آماده و تکراری که به سؤال من ربطی نداشت.",
            "کارشناس گفت «مشکل شناخته‌شده است» و همین.",
            "سفارشم باز هم دیر رسید و کسی خبر نداد.",
        ],
        "slow": [
            "۳ روز منتظر اولین پاسخ ماندم.",
            "بعد از ۴۸ ساعت تازه جواب دادید.",
            "۲ هفته گذشته و هنوز خبری نیست.",
            "تا شما جواب بدهید خودم مشکل را حل کردم.",
            "چند روز کسی جواب نداد.\nبعد هم تیکت بسته شد.",
        ],
        "long_neg": [
            "از اول ماه سه بار پرداختم با تأخیر انجام شد و هر بار قول دادید که «تا فردا» درست "
            "می‌شود. ۵ بار با پشتیبانی تماس گرفتم و هر بار مجبور شدم شماره سفارش و همه جزئیات "
            "را از اول توضیح بدهم. در نهایت هم هیچ‌کس عذرخواهی نکرد. اگر این وضعیت ادامه پیدا "
            "کند، حسابم را می‌بندم.",
            "من یک کسب‌وکار کوچک دارم و به این سرویس وابسته‌ام. هفته گذشته خروجی فاکتورها کار "
            "نمی‌کرد، صفحه وضعیت می‌گفت همه چیز درست است و تنها راه‌حل پیشنهادی تیم شما این بود "
            "که ۴۰۰ فاکتور را دستی وارد کنم. لطفاً یا مشکل را حل کنید یا دست‌کم بگویید کی حل "
            "می‌شود.",
            "خلاصه تجربه من:\n- اولین پاسخ بعد از ۳۰ ساعت\n- دو بار بسته شدن تیکت بدون راه‌حل\n"
            "- سه بار توصیه به «پاک کردن حافظه موقت»\nچهار سال است مشتری شما هستم و این اولین "
            "بار است که جدی به رفتن فکر می‌کنم. لطفاً این موضوع را به مدیر ارجاع دهید.",
        ],
        "long_pos": [
            "می‌خواهم از کارشناسی که پیگیر کار من بود تشکر کنم. مشکل پیچیده بود و به دو حساب و "
            "یک بازپرداخت مربوط می‌شد، اما همه مراحل را با حوصله توضیح داد، همان ساعتی که گفته "
            "بود تماس گرفت و یک هفته بعد هم پیگیری کرد که مطمئن شود همه چیز درست است. واقعاً "
            "عالی بود.",
            "بعد از قطعی هفته گذشته تصمیم داشتم اشتراکم را لغو کنم، اما برخورد تیم شما نظرم را "
            "عوض کرد: قبل از اینکه خودم متوجه شوم اطلاع دادید، صادقانه عذرخواهی کردید، روی "
            "فاکتور بعدی اعتبار گذاشتید و مشکل همان روز حل شد. همین‌طور باید باشد.",
        ],
    },
}

REVIEW_TITLES = {
    "en": {
        "pos": [
            "Great app",
            "Does exactly what it says",
            "Fast support, easy to use",
            "Best wallet I've used",
            "Reliable",
        ],
        "neu": ["Good, but could be better", "Okay", "Useful, a bit slow", "Mixed feelings"],
        "neg": [
            "Charged twice, no refund",
            "Support never answers",
            "Terrible update",
            "Do not trust them",
            "App keeps crashing",
        ],
    },
    "fa": {
        "pos": ["عالی", "برنامه خیلی خوبی است", "پشتیبانی سریع", "کاربردی و ساده"],
        "neu": ["بد نیست", "خوب ولی کند", "قابل قبول"],
        "neg": [
            "پشتیبانی ضعیف",
            "پولم برنگشت",
            "بعد از به‌روزرسانی خراب شد",
            "اصلاً توصیه نمی‌کنم",
        ],
    },
}

REVIEW_BODIES = {
    "en": {
        "pos": [
            "Simple to set up and it just works. Support replied within the hour when I had a "
            "question.",
            "I use it every day for my shop. Payouts are on time, and the reports are clear.",
            "Switched from another provider last year, no regrets.",
            "Five stars for the support team, they fixed my account issue on the same day.",
        ],
        "neu": [
            "The app does the job, but the latest version is noticeably slower.",
            "Good features, confusing menus. It took me a while to find the export.",
            "Support is friendly, though answers can take a day or two.",
        ],
        "neg": [
            'Money left my account, the payment failed, and support has been "looking into it" '
            "for a week.",
            "The update broke login on my phone. Reinstalled twice, still broken.",
            "Three tickets, three different answers, zero solutions.",
            "They closed my ticket without fixing anything. Avoid.",
        ],
        "long_neg": [
            "I've been a customer for three years and never had an issue until the March "
            "update. Since then, payouts are delayed, the app logs me out randomly, and support "
            "takes days to reply. When they do, it's a template. I'm writing this review "
            "because I have no other way to get anyone's attention, and I hope someone at the "
            "company actually reads it.",
            "Update, week 3:\nStill no refund. Support keeps asking for the same screenshots, "
            "and every promised call-back date has passed. I have moved my business to another "
            "provider and I'm leaving this review so others know what to expect.",
        ],
    },
    "fa": {
        "pos": [
            "راه‌اندازی ساده بود و بدون مشکل کار می‌کند. وقتی سؤال داشتم، پشتیبانی در کمتر از یک "
            "ساعت جواب داد.",
            "هر روز برای فروشگاهم از آن استفاده می‌کنم. تسویه‌ها به‌موقع است و گزارش‌ها واضح است.",
            "پارسال از یک سرویس دیگر به این برنامه آمدم و اصلاً پشیمان نیستم.",
        ],
        "neu": [
            "برنامه کارش را انجام می‌دهد، ولی نسخه جدید کندتر شده است.",
            "امکانات خوبی دارد اما منوها گیج‌کننده است.",
            "پشتیبانی مودب است، هرچند گاهی جواب دادن ۱ یا ۲ روز طول می‌کشد.",
        ],
        "neg": [
            "پول از حسابم کم شد، پرداخت ناموفق بود و پشتیبانی یک هفته است که «در حال بررسی» است.",
            "بعد از به‌روزرسانی نمی‌توانم وارد حسابم شوم. دو بار نصب کردم، باز هم درست نشد.",
            "سه تیکت، سه جواب متفاوت، هیچ راه‌حلی.",
        ],
        "long_neg": [
            "سه سال است از این برنامه استفاده می‌کنم و تا به‌روزرسانی اسفند هیچ مشکلی نداشتم. از "
            "آن موقع تسویه‌ها با تأخیر انجام می‌شود، برنامه بی‌دلیل از حساب خارج می‌شود و "
            "پشتیبانی چند روز بعد با یک پاسخ آماده جواب می‌دهد. این نظر را می‌نویسم چون راه "
            "دیگری برای دیده شدن ندارم و امیدوارم کسی در شرکت واقعاً آن را بخواند.",
        ],
    },
}

# Support agents per team (fixed roster, so names are stable across seeds).
AGENTS = {
    "Billing": ["Sara K.", "James O.", "Maryam H.", "Lukas B.", "Ana P.", "Omid R.", "Priya S."],
    "Technical": [
        "Reza M.", "Laura G.", "Wei Z.", "Daniel F.", "Niloofar A.", "Kenji T.", "Elena V.",
        "Amir N.", "Sofia L.", "Tom W.",
    ],
    "Accounts": [
        "Fatima Y.", "Carlos D.", "Hana J.", "Ali S.", "Emma C.", "Parisa E.", "Noah M.",
        "Lina Q.",
    ],
    "Logistics": ["Omar B.", "Zahra K.", "Mateo R.", "Chloe D.", "Babak F.", "Ines M."],
    "Onboarding": ["Leila P.", "Jonas H.", "Mina G.", "Lucas A.", "Yuki S."],
}

FIRST_NAMES = [
    "sara", "reza", "maryam", "ali", "james", "laura", "carlos", "ana", "wei", "priya",
    "omar", "fatima", "lukas", "sofia", "daniel", "hana", "kenji", "amir", "elena", "zahra",
    "mateo", "chloe", "leila", "jonas", "mina", "lucas", "yuki", "niloofar", "parisa", "noah",
]
